// The agent's own check of its chain as `status` reports it (the `chain` slice of the chain
// module, src/agent/modules/chain.ts), and how people read it: `baomi status`, the agent's
// banner, later the tray and the console.
import type { Translate } from '../i18n/translate.js';
import { describeChainBreak } from './messages.js';
import type { ChainBreak } from './verify.js';

export type ChainCheckScope = 'head' | 'start' | 'daily';

export interface ChainStatus {
  /** Null until the first check finished. */
  ok: boolean | null;
  /** 'head': chain.head compared at start without a walk; 'start', 'daily': full walks. */
  scope?: ChainCheckScope;
  /** When the check finished, ms since the epoch. */
  at?: number;
  checked?: number;
  durationMs?: number;
  /** 'unchecked': no chain.head at start beside a log from before it (README). */
  tail?: 'checked' | 'unchecked';
  /** The first breaks (the event has up to a hundred). */
  breaks?: ChainBreak[];
  moreBreaks?: number;
  /** A walk is running now. */
  checking: boolean;
}

function when(at: number | undefined): string {
  return at === undefined ? '' : new Date(at).toISOString().replace('T', ' ').slice(0, 19);
}

/** One line when intact or not yet known; a line and one per break when broken. */
export function chainStatusLines(t: Translate, s: ChainStatus | undefined): string[] {
  if (!s || s.ok === null) return [t(s?.checking ? 'chain.status.checking' : 'chain.status.none')];
  const at = when(s.at);
  if (s.ok) {
    const seconds = ((s.durationMs ?? 0) / 1000).toFixed(1);
    return [
      t(s.tail === 'unchecked' ? 'chain.status.okTail' : 'chain.status.ok', {
        checked: s.checked ?? 0,
        at,
        seconds,
      }),
    ];
  }
  const breaks = s.breaks ?? [];
  return [
    t('chain.status.broken', { count: breaks.length + (s.moreBreaks ?? 0), at }),
    ...breaks.map((b) => `  ${describeChainBreak(t, b)}`),
    ...(s.moreBreaks ? [`  ${t('chain.more', { count: s.moreBreaks })}`] : []),
  ];
}
