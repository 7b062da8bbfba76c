// What the tray icon says (issue 14): protected, a policy problem, events waiting to sync, or
// the agent not running, from the agent's `status` answer. Pure: the tray polls status and
// hands it here; worst state wins, and every reason is kept for the status window.
import type { Translate } from '../core/i18n/translate.js';
import type { StatusResult } from '../core/protocol/messages.js';

export type TrayState = 'protected' | 'policy-problem' | 'sync-waiting' | 'agent-down';

export interface TrayReason {
  key: string;
  params?: Record<string, string | number>;
}

export interface TrayView {
  state: TrayState;
  /** Events stored above the console's acknowledgement (0 when no console is configured). */
  waiting: number;
  reasons: TrayReason[];
}

const STATE_KEY: Record<TrayState, string> = {
  protected: 'tray.state.protected',
  'policy-problem': 'tray.state.policyProblem',
  'sync-waiting': 'tray.state.syncWaiting',
  'agent-down': 'tray.state.agentDown',
};

/** `status` null: no agent answered (not running, or the socket refused us). */
export function trayView(status: StatusResult | null): TrayView {
  if (!status?.running) return { state: 'agent-down', waiting: 0, reasons: [] };
  const reasons: TrayReason[] = [];
  if (!status.policy) reasons.push({ key: 'tray.reason.noPolicy' });
  if (status.policyRejected) reasons.push({ key: 'tray.reason.policyRejected' });
  if (!status.usb?.enforcing) reasons.push({ key: 'tray.reason.usbNotEnforced' });
  for (const w of status.watched ?? []) {
    // 'starting' is on its way; every other state but 'watching' leaves files unwatched.
    if (w.state !== 'watching' && w.state !== 'starting')
      reasons.push({ key: 'tray.reason.folderNotWatched', params: { path: w.path } });
  }
  const sync = status.sync;
  const waiting = sync?.console ? (sync.eventsWaiting ?? 0) : 0;
  if (reasons.length > 0) return { state: 'policy-problem', waiting, reasons };
  // Events wait between two sends as a matter of course: only a failing console is a state.
  if (waiting > 0 && sync?.lastError) {
    const since = sync.lastSuccess ?? sync.lastError.at;
    return {
      state: 'sync-waiting',
      waiting,
      reasons: [{ key: 'tray.reason.syncFailing', params: { since } }],
    };
  }
  return { state: 'protected', waiting, reasons: [] };
}

/** The view in words: a title, then one line per reason (dates in the viewer's zone). */
export function viewText(t: Translate, lang: string, view: TrayView): string[] {
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  return [
    t(STATE_KEY[view.state], { count: view.waiting }),
    ...view.reasons.map((r) => {
      const p = { ...r.params };
      if (typeof p.since === 'number') p.since = date.format(p.since);
      return t(r.key, p);
    }),
  ];
}

/**
 * The icon's tooltip: the title and the first reason. Windows cuts a tray tooltip at 127
 * characters, so a long one (a folder path) ends in an ellipsis instead of mid-word.
 */
export function tooltip(lines: string[], max = 127): string {
  const text = lines.slice(0, 2).join('\n');
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
