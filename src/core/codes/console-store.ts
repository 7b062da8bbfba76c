// Codes of the console's datastore (src/console/store: SQLite and PostgreSQL) and their text.
// The console server answers with them (CONSOLE_DB_UNAVAILABLE is its 503 with retryInMs) and
// `baomi console` prints them at start; the console imports only core, so the text is here.
import type { Catalog, CodeCatalog } from '../i18n/types.js';

export const CONSOLE_STORE_ERROR_CODES = [
  // CONSOLE_DB_UNAVAILABLE (the database does not answer: retry; nothing of the failed change
  // was stored) is thrown by the store with {engine, reason, seconds}; its code and text are
  // the server's (codes/console.ts), which answers it as a 503.
  /** The database has migrations this console does not know (a newer console made them). */
  'CONSOLE_DB_TOO_NEW',
  /** `--db` is not a postgres:// or postgresql:// URL. */
  'CONSOLE_DB_BAD_URL',
  /** The data dir (SQLite's home) cannot be created or written. */
  'CONSOLE_DB_UNWRITABLE',
  /** An events cursor (`after`) that this console did not make. */
  'CONSOLE_DB_BAD_CURSOR',
  /** Ingest for an agent the database does not hold, or one that was revoked. */
  'CONSOLE_DB_UNKNOWN_AGENT',
  'CONSOLE_DB_AGENT_REVOKED',
  /** A create* of something that exists already (a user name, an agent id, a token). */
  'CONSOLE_DB_DUPLICATE',
  /** Text the database cannot keep exactly (a NUL character, a lone UTF-16 surrogate). */
  'CONSOLE_DB_BAD_TEXT',
] as const;
export type ConsoleStoreErrorCode = (typeof CONSOLE_STORE_ERROR_CODES)[number];

export const consoleStoreMessages = {
  en: {
    CONSOLE_DB_TOO_NEW:
      'The console database has schema version {{found}}, newer than this console understands ({{known}}). Upgrade this console; the database was not changed.',
    CONSOLE_DB_BAD_URL:
      'The database "{{url}}" is not a PostgreSQL URL. Write postgres://USER:PASSWORD@HOST:PORT/DATABASE, or leave out --db to use the embedded SQLite database.',
    CONSOLE_DB_UNWRITABLE:
      'The console data directory {{dir}} cannot be used ({{reason}}). Run the console as a user that can write it, or pass --data-dir with another directory.',
    CONSOLE_DB_BAD_CURSOR:
      'The page cursor "after" is not one this console gave out. Start again from the first page.',
    CONSOLE_DB_UNKNOWN_AGENT:
      'The agent {{agentId}} is not enrolled with this console. Enroll it again with baomi enroll.',
    CONSOLE_DB_AGENT_REVOKED:
      'The agent {{agentId}} was revoked; its events are no longer accepted. Enroll it again if it should report.',
    CONSOLE_DB_DUPLICATE: 'That exists already ({{reason}}). Choose another name or id.',
    CONSOLE_DB_BAD_TEXT:
      'The text of {{field}} cannot be stored exactly (it holds a NUL character or a broken UTF-16 surrogate), so nothing was stored. Send it without them.',
  },
  'zh-CN': {
    CONSOLE_DB_TOO_NEW:
      '控制台数据库的结构版本为 {{found}}，比本控制台能识别的版本（{{known}}）更新。请升级本控制台；数据库未被改动。',
    CONSOLE_DB_BAD_URL:
      '数据库“{{url}}”不是 PostgreSQL 地址。请写成 postgres://用户:密码@主机:端口/数据库，或不加 --db 以使用内置的 SQLite 数据库。',
    CONSOLE_DB_UNWRITABLE:
      '无法使用控制台数据目录 {{dir}}（{{reason}}）。请以能写入该目录的用户运行控制台，或用 --data-dir 指定其他目录。',
    CONSOLE_DB_BAD_CURSOR: '分页游标 "after" 不是本控制台给出的。请从第一页重新开始。',
    CONSOLE_DB_UNKNOWN_AGENT: '代理 {{agentId}} 未在本控制台注册。请用 baomi enroll 重新注册。',
    CONSOLE_DB_AGENT_REVOKED:
      '代理 {{agentId}} 已被吊销，不再接收其事件。如需其继续上报，请重新注册。',
    CONSOLE_DB_DUPLICATE: '该项已存在（{{reason}}）。请换一个名称或标识。',
    CONSOLE_DB_BAD_TEXT:
      '{{field}} 的文本无法原样保存（含有 NUL 字符或残缺的 UTF-16 代理项），因此未保存任何内容。请去掉这些字符后再发送。',
  },
} satisfies CodeCatalog<ConsoleStoreErrorCode>;

export const consoleStoreCatalog: Catalog = consoleStoreMessages;
