// Records notices instead of showing them; `available = false` is a machine with no way to
// show one, `failure` a way that fails (notify-send on a bus with no notification daemon).
import type { Notice, Notifier } from '../../core/ports/notifier.js';
import type { SeatUser } from '../../core/ports/session.js';

export class FakeNotifier implements Notifier {
  readonly name = 'fake';
  readonly shown: Array<{ notice: Notice; to: SeatUser | null }> = [];
  available = true;
  /** Set: every notice is refused with this reason (the port's rejection). */
  failure: string | null = null;

  async notify(notice: Notice, to: SeatUser | null): Promise<boolean> {
    if (!this.available) return false;
    if (this.failure !== null) throw new Error(this.failure);
    this.shown.push({ notice: { ...notice }, to: to === null ? null : { ...to } });
    return true;
  }
}
