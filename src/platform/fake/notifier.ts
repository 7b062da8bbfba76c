// Records notices instead of showing them; `available = false` is a machine with no way to
// show one.
import type { Notice, Notifier } from '../../core/ports/notifier.js';
import type { SeatUser } from '../../core/ports/session.js';

export class FakeNotifier implements Notifier {
  readonly name = 'fake';
  readonly shown: Array<{ notice: Notice; to: SeatUser | null }> = [];
  available = true;

  async notify(notice: Notice, to: SeatUser | null): Promise<boolean> {
    if (!this.available) return false;
    this.shown.push({ notice: { ...notice }, to: to === null ? null : { ...to } });
    return true;
  }
}
