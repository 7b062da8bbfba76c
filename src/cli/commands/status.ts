import { type ChainStatus, chainStatusLines } from '../../core/events/chain-status.js';
import type { Json } from '../../core/events/types.js';
import type { Lang } from '../../core/i18n/types.js';
import { policyRejectionProblems, policyRejectionReason } from '../../core/policy/rejection.js';
import type {
  IdleSource,
  PolicyRejectedStatus,
  StatusResult,
} from '../../core/protocol/messages.js';
import type { CommandContext } from '../context.js';
import { jsonLine, printable } from '../printable.js';
import { openSource, type SourceOptions } from '../source.js';
import { formatTime } from '../time.js';

/** The JSON keeps the stable value; people read its name in their language. */
const IDLE_SOURCE_TEXT: Record<IdleSource, string> = {
  x11: 'cli.status.idleSource.x11',
  logind: 'cli.status.idleSource.logind',
  windows: 'cli.status.idleSource.windows',
  macos: 'cli.status.idleSource.macos',
  tray: 'cli.status.idleSource.tray',
  none: 'cli.status.idleSource.none',
};

export default async function status(
  { t, lang }: CommandContext,
  o: SourceOptions & { json?: boolean },
): Promise<number> {
  const source = await openSource(o);
  try {
    const s = await source.status();
    if (o.json) {
      process.stdout.write(`${jsonLine(s)}\n`);
      return 0;
    }
    process.stdout.write(`${statusLines(t, s, lang).join('\n')}\n`);
    return 0;
  } finally {
    source.close();
  }
}

/** Why the policy was refused and when, in the reader's language (one source: rejection.ts). */
export function rejectionLine(t: CommandContext['t'], lang: Lang, r: PolicyRejectedStatus): string {
  const reason = policyRejectionReason(lang, rejectionData(r));
  return t('cli.status.policyRejected', { at: formatTime(r.at), seq: r.seq, reason });
}

/** The refusal as its event's `data`, which rejection.ts renders. */
export function rejectionData(r: PolicyRejectedStatus): Record<string, Json> {
  return {
    file: r.file,
    code: r.code,
    params: r.params,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(r.problems !== undefined ? { problems: r.problems as unknown as Json } : {}),
    ...(r.moreProblems !== undefined ? { moreProblems: r.moreProblems } : {}),
  };
}

/** The refusal's first problem, and a pointer to the others when it has more. */
export function rejectionLines(
  t: CommandContext['t'],
  lang: Lang,
  r: PolicyRejectedStatus,
): string[] {
  const { lines, more } = policyRejectionProblems(lang, rejectionData(r));
  const others = lines.length - 1 + more;
  return [
    rejectionLine(t, lang, r),
    ...(others > 0 ? [t('cli.status.moreProblems', { count: others })] : []),
  ];
}

/** The events line: without a console in the policy, nothing is "waiting" to sync. */
function eventsLine(t: CommandContext['t'], s: StatusResult): string {
  if (s.sync === undefined) return t('cli.status.events', s.events); // an older agent's answer
  if (s.sync.console === null) return t('cli.status.eventsLocal', s.events);
  return t('cli.status.eventsSync', { ...s.events, console: s.sync.console });
}

/**
 * How sending to the console goes, when the policy names one: enrolled or not, the last
 * success, the last error since then (in the reader's language), the next request.
 */
export function syncLines(t: CommandContext['t'], s: StatusResult): string[] {
  const sync = s.sync;
  if (!sync?.console || sync.enrolled === undefined) return [];
  if (!sync.enrolled) return [t('cli.status.sync.notEnrolled')];
  const lines = [t('cli.status.sync.enrolled', { agentId: printable(sync.agentId ?? '?') })];
  if (sync.enrolledWith)
    lines.push(t('cli.status.sync.enrolledWith', { enrolled: printable(sync.enrolledWith) }));
  lines.push(
    sync.lastSuccess !== undefined
      ? t('cli.status.sync.lastSuccess', { at: formatTime(sync.lastSuccess) })
      : t('cli.status.sync.never'),
  );
  const e = sync.lastError;
  // An error the last success came after is history (kept in --json).
  if (e && (sync.lastSuccess === undefined || e.at >= sync.lastSuccess))
    lines.push(
      t('cli.status.sync.lastError', {
        at: formatTime(e.at),
        error: printable(t(e.code, e.params as Record<string, unknown>)),
      }),
    );
  // A stopped agent's kept answer has a next request that will not come.
  if (s.running && sync.nextAt !== undefined)
    lines.push(t('cli.status.sync.next', { at: formatTime(sync.nextAt) }));
  return lines;
}

export function statusLines(t: CommandContext['t'], s: StatusResult, lang: Lang): string[] {
  const sourceText = (name: string) => t(`cli.status.source.${name}`, { defaultValue: name });
  const watching = s.watched.filter((w) => w.state === 'watching').length;
  const lines = [
    t(s.running ? 'cli.status.running' : 'cli.status.notRunning'),
    s.policy ? t('cli.status.policy', s.policy) : t('cli.status.noPolicy'),
    // The policy kept from an earlier run that this run does not trust (the tray's
    // "policy problem"): said, never only in --json.
    ...policyProblemLines(t, s),
    ...(s.policyRejected ? rejectionLines(t, lang, s.policyRejected) : []),
    t('cli.status.folders', { count: s.folders, watching }),
  ];
  for (const w of s.watched) {
    const state = t(`cli.status.state.${w.state}`);
    lines.push(
      w.reason
        ? t('cli.status.folderWhy', { path: w.path, level: w.level, state, reason: w.reason })
        : t('cli.status.folder', { path: w.path, level: w.level, state }),
    );
  }
  if (s.hashesPending !== undefined) lines.push(t('cli.status.hashes', { count: s.hashesPending }));
  lines.push(
    s.seatUser
      ? t('cli.status.seat', { user: s.seatUser.name, source: sourceText(s.seatUser.source) })
      : t('cli.status.noSeat', { source: sourceText(s.seatSource) }),
    eventsLine(t, s),
    ...syncLines(t, s),
    t('cli.status.idle', { source: t(IDLE_SOURCE_TEXT[s.idleSource] ?? s.idleSource) }),
    // What the tray draws over this person's screen (the policy's template, filled there).
    ...(s.watermark?.enabled
      ? [t('cli.status.watermark', { text: printable(s.watermark.text) })]
      : []),
    s.usb.enforcing
      ? t('cli.status.usb', { state: t('cli.status.on') })
      : t('cli.status.usbOff', {
          state: t('cli.status.off'),
          reason: s.usb.reason ? t(s.usb.reason) : '',
        }),
  );
  // From a data dir the value is the stopped agent's last reading: say when it was.
  if (!s.running && typeof s.usb.checkedAt === 'number')
    lines.push(t('cli.status.usbAsOf', { at: formatTime(s.usb.checkedAt) }));
  if (Array.isArray(s.usb.failed) && s.usb.failed.length > 0)
    lines.push(t('cli.status.usbFailed', { devices: s.usb.failed.map(printable).join(', ') }));
  const lost = s.usb.lastLost;
  if (lost)
    lines.push(
      t(lost.resealed ? 'cli.status.usbLostResealed' : 'cli.status.usbLostOpen', {
        at: formatTime(lost.at),
        open: lost.open.map(printable).join(', '),
      }),
    );
  lines.push(...chainStatusLines(t, s.chain as ChainStatus | undefined));
  return lines;
}

/** The agent's policy problem (POLICY_STORED_UNTRUSTED), in the reader's language. */
function policyProblemLines(t: CommandContext['t'], s: StatusResult): string[] {
  const problem = (s as { policyProblem?: { code?: unknown } }).policyProblem;
  if (!problem || typeof problem.code !== 'string') return [];
  return [t('cli.status.policyProblem', { text: t(problem.code, problem) })];
}
