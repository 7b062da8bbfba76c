// How protected this computer is, from the agent's `status` answer (issue 14): protected, a
// policy problem, events waiting to sync, or the agent not running; worst state wins, and every
// reason is kept. Pure: the tray's icon (src/main/tray-state.ts) and the tray's status window
// (src/renderer/status) read the same answer the same way. Words: ./messages.ts.
import type { StatusResult } from '../protocol/messages.js';

export type ProtectionState = 'protected' | 'policy-problem' | 'sync-waiting' | 'agent-down';

export interface ProtectionReason {
  key: string;
  params?: Record<string, string | number>;
}

export interface ProtectionView {
  state: ProtectionState;
  /** Events stored above the console's acknowledgement (0 when no console is configured). */
  waiting: number;
  reasons: ProtectionReason[];
}

export const STATE_KEY: Record<ProtectionState, string> = {
  protected: 'tray.state.protected',
  'policy-problem': 'tray.state.policyProblem',
  'sync-waiting': 'tray.state.syncWaiting',
  'agent-down': 'tray.state.agentDown',
};

/** `status` null: no agent answered (not running, or the socket refused us). */
export function protectionView(status: StatusResult | null): ProtectionView {
  if (!status?.running) return { state: 'agent-down', waiting: 0, reasons: [] };
  const reasons: ProtectionReason[] = [];
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
