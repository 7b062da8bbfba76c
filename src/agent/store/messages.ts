// Messages for the store's BaomiError codes (the code is the key). Each says what to do next.
import type { StoreErrorCode } from '../../core/codes/index.js';
import type { Catalog, CodeCatalog } from '../../core/i18n/types.js';

export const storeMessages: Catalog = {
  en: {
    STORE_CORRUPT:
      'The event database {{file}} is damaged ({{reason}}). It was left untouched for inspection; move it aside and start the agent again to begin a new log.',
    STORE_UNWRITABLE:
      'The data directory {{dir}} cannot be written ({{reason}}). Run the agent as the service user (root or SYSTEM), or pass --data-dir with a directory it can write.',
    STORE_EVIDENCE_BUSY:
      '{{file}} kept changing while it was copied (an agent is writing it). Ask that agent over its socket (leave out --data-dir), or stop it first.',
    STORE_EVIDENCE_UNREADABLE:
      'Cannot copy {{file}} into a private temporary folder under {{tmp}} to read it without changing it ({{reason}}). Check that the file is readable and the temporary folder has room, or set TMPDIR.',
    STORE_MISSING:
      'There is no event database at {{file}}. Check --data-dir, or start the agent once to create it.',
    STORE_TOO_NEW:
      'The event database {{file}} has schema version {{found}}, newer than this Baomi understands ({{known}}). Upgrade Baomi; the database was not changed.',
    STORE_TOO_OLD:
      'The event database {{file}} has schema version {{found}}; this Baomi reads version {{known}}. Start the agent once to upgrade it, then try again.',
    STORE_READ_ONLY:
      'The event database was opened read-only; it cannot be changed from here. Use the running agent instead.',
    STORE_CLOSED: 'The event store is closed; the event was not recorded.',
    STORE_WRITE_FAILED:
      'Cannot write the event database {{file}} ({{reason}}). The agent stopped rather than run without recording: free disk space or repair the disk, then start it again.',
    STORE_BAD_SIZE:
      'The size "{{value}}" is not valid. Write a whole number followed by B, KB, MB, GB or TB, e.g. 2GB or 500MB.',
  },
  'zh-CN': {
    STORE_CORRUPT:
      '事件数据库 {{file}} 已损坏（{{reason}}）。已原样保留以便检查；请将其移到别处，然后重新启动代理以开始新的日志。',
    STORE_UNWRITABLE:
      '无法写入数据目录 {{dir}}（{{reason}}）。请以服务用户（root 或 SYSTEM）运行代理，或用 --data-dir 指定一个可写的目录。',
    STORE_EVIDENCE_BUSY:
      '{{file}} 在复制期间一直在变化（有代理正在写入）。请通过代理的套接字查询（不加 --data-dir），或先停止该代理。',
    STORE_EVIDENCE_UNREADABLE:
      '无法将 {{file}} 复制到 {{tmp}} 下的私有临时目录以只读方式读取（{{reason}}）。请检查该文件是否可读、临时目录是否有空间，或设置 TMPDIR。',
    STORE_MISSING: '{{file}} 处没有事件数据库。请检查 --data-dir，或先启动一次代理以创建它。',
    STORE_TOO_NEW:
      '事件数据库 {{file}} 的结构版本为 {{found}}，比本版 Baomi 能识别的版本（{{known}}）更新。请升级 Baomi；数据库未被改动。',
    STORE_TOO_OLD:
      '事件数据库 {{file}} 的结构版本为 {{found}}，本版 Baomi 读取版本 {{known}}。请先启动一次代理以完成升级，然后重试。',
    STORE_READ_ONLY: '事件数据库以只读方式打开，无法在此修改。请改用正在运行的代理。',
    STORE_CLOSED: '事件存储已关闭；该事件未被记录。',
    STORE_WRITE_FAILED:
      '无法写入事件数据库 {{file}}（{{reason}}）。代理宁可停止也不在不记录的情况下运行：请释放磁盘空间或修复磁盘后再启动。',
    STORE_BAD_SIZE:
      '大小“{{value}}”无效。请写一个整数并加上 B、KB、MB、GB 或 TB，例如 2GB 或 500MB。',
  },
} satisfies CodeCatalog<StoreErrorCode>;
