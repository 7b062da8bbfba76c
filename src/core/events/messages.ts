// What a break in the event chain means, in the reader's language: one sentence per kind
// (codes/chain.ts), built from the break's params. Used by `baomi verify`, the agent's banner
// and `status`; the console and the tray render stored `store.chain-checked` events with it.
// A kind this version does not know (a newer agent) is shown with the walk's English detail.
import { type ChainBreakCode, chainBreakCode } from '../codes/chain.js';
import type { Translate } from '../i18n/translate.js';
import type { Catalog, CodeCatalog } from '../i18n/types.js';
import type { ChainBreak } from './verify.js';

export const chainMessages = {
  en: {
    CHAIN_HASH:
      "event {{seq}}'s content does not match its hash: it was changed after it was written",
    CHAIN_LINK:
      'event {{seq}} does not continue the chain from event {{prev}}: an event was removed, replaced or reordered',
    CHAIN_GAP: 'events {{seq}} to {{last}} are missing: they were removed (or stored out of order)',
    CHAIN_MISSING_PREFIX:
      'events 1 to {{last}} are missing and no store.pruned event records their removal',
    CHAIN_TRUNCATED:
      'the log ends at event {{last}}, but it had reached event {{head}} (chain.head, or the running agent): the newest events were deleted',
    CHAIN_HEAD_MISMATCH:
      'event {{seq}} is not the event chain.head recorded there: the log was cut and rewritten from there on',
    CHAIN_HEAD_MISSING:
      'chain.head is missing beside a log that an agent keeping one has written (last event {{last}}): it was deleted, so newest events removed would not show. For a copy, copy chain.head with baomi.db',
    CHAIN_HEAD_UNREADABLE:
      'chain.head is not a head the agent wrote (damaged or replaced): the end of the log (last event {{last}}) cannot be checked',
    'chain.break': 'seq {{seq}} ({{kind}}): {{text}}',
    'chain.kind.hash': 'hash',
    'chain.kind.link': 'link',
    'chain.kind.gap': 'gap',
    'chain.kind.missing-prefix': 'missing-prefix',
    'chain.kind.truncated': 'truncated',
    'chain.kind.head-mismatch': 'head-mismatch',
    'chain.kind.head-missing': 'head-missing',
    'chain.kind.head-unreadable': 'head-unreadable',
    'chain.gapOne': 'event {{seq}} is missing: it was removed (or stored out of order)',
    'chain.more': '… and {{count}} more',
    'chain.status.ok':
      'Event chain: intact (checked at {{at}} UTC; events checked: {{checked}}, in {{seconds}} s)',
    'chain.status.okTail':
      'Event chain: intact (checked at {{at}} UTC; events checked: {{checked}}); its end as found at start was not checked (no chain.head beside a log written before Baomi kept one)',
    'chain.status.broken':
      'Event chain: BROKEN, {{count}} place(s) (found at {{at}} UTC). Keep the data directory as evidence and report it to security staff:',
    'chain.status.checking': 'Event chain: being checked',
    'chain.status.none': 'Event chain: not checked yet',
  },
  'zh-CN': {
    CHAIN_HASH: '序号 {{seq}} 的事件内容与其哈希不符：写入后被改动过',
    CHAIN_LINK: '序号 {{seq}} 的事件与序号 {{prev}} 的事件接不上：有事件被删除、替换或调换了顺序',
    CHAIN_GAP: '序号 {{seq}} 至 {{last}} 的事件缺失：已被删除（或存储顺序错乱）',
    CHAIN_MISSING_PREFIX: '序号 1 至 {{last}} 的事件缺失，且没有 store.pruned 事件记录其删除',
    CHAIN_TRUNCATED:
      '日志止于序号 {{last}}，但它曾到达序号 {{head}}（见 chain.head 或正在运行的代理）：最新的事件被删除了',
    CHAIN_HEAD_MISMATCH:
      '序号 {{seq}} 的事件与 chain.head 记录的不是同一个：日志从该处起被截断并重写',
    CHAIN_HEAD_MISSING:
      'chain.head 缺失，而这份日志由会保存它的代理写入过（最后一条序号 {{last}}）：它被删除了，最新事件若被删除将无从发现。如为副本，请将 chain.head 与 baomi.db 一并复制',
    CHAIN_HEAD_UNREADABLE:
      'chain.head 不是代理写入的链头（已损坏或被替换）：无法校验日志末尾（最后一条序号 {{last}}）',
    'chain.break': '序号 {{seq}}（{{kind}}）：{{text}}',
    'chain.kind.hash': '哈希不符',
    'chain.kind.link': '链接断开',
    'chain.kind.gap': '缺号',
    'chain.kind.missing-prefix': '开头缺失',
    'chain.kind.truncated': '末尾被截',
    'chain.kind.head-mismatch': '链头不符',
    'chain.kind.head-missing': '链头缺失',
    'chain.kind.head-unreadable': '链头无法读取',
    'chain.gapOne': '序号 {{seq}} 的事件缺失：已被删除（或存储顺序错乱）',
    'chain.more': '……另有 {{count}} 处',
    'chain.status.ok':
      '事件哈希链：完整（UTC {{at}} 校验了 {{checked}} 条事件，用时 {{seconds}} 秒）',
    'chain.status.okTail':
      '事件哈希链：完整（UTC {{at}} 校验了 {{checked}} 条事件）；启动时未能校验日志末尾（旧版保密写入的日志旁没有 chain.head）',
    'chain.status.broken':
      '事件哈希链：已断裂，共 {{count}} 处（UTC {{at}} 发现）。请保留数据目录作为证据，并报告保密管理人员：',
    'chain.status.checking': '事件哈希链：正在校验',
    'chain.status.none': '事件哈希链：尚未校验',
  },
} satisfies Catalog & CodeCatalog<ChainBreakCode>;

/** One break as one line: "seq 18 (truncated): the log ends at event 17, …". */
export function describeChainBreak(
  t: Translate,
  b: Pick<ChainBreak, 'kind' | 'seq' | 'params' | 'detail'>,
): string {
  const code = chainBreakCode(b.kind);
  if (!code) return t('chain.break', { seq: b.seq, kind: b.kind, text: b.detail });
  const params: Record<string, unknown> = { seq: b.seq, ...b.params };
  // One missing event reads as one, not as "events 8 to 8".
  const key = b.kind === 'gap' && params.last === params.seq ? 'chain.gapOne' : code;
  return t('chain.break', { seq: b.seq, kind: t(`chain.kind.${b.kind}`), text: t(key, params) });
}
