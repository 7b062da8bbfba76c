// Detects the conditions under which inotify may have dropped events. Node's fs.watch
// swallows IN_Q_OVERFLOW (libuv finds no watcher for wd -1 and skips the event), so we
// cannot see the overflow itself; we see its symptoms instead:
//  - a burst: libuv reads the inotify fd until EAGAIN within one loop turn, so after an
//    overflow one turn delivers about max_queued_events callbacks (16384 by default);
//  - the process was stopped (SIGSTOP, Ctrl-Z, a debugger): it gets SIGCONT when it runs
//    again, and the kernel queue may have filled meanwhile;
//  - a stall: a coarse timer firing late means the loop did not run (starved, or frozen by
//    a cgroup freezer, which sends no SIGCONT). A backstop: an overflow during a stall also
//    shows as a burst when the loop runs again.
// Idle cost: the SIGCONT listener costs nothing until a signal comes, and the timer is
// unref'd and wakes once a minute (each wake-up costs the process ~0.4 ms of CPU, so a
// shorter period shows in an idle agent's CPU time).
import { performance } from 'node:perf_hooks';

/** The kernel's queue length when it cannot be read (Linux's default). */
export const DEFAULT_MAX_QUEUED = 16384;

export interface OverflowOptions {
  /** /proc/sys/fs/inotify/max_queued_events (the kernel port). */
  maxQueued: number;
  /** Fraction of maxQueued seen in one loop turn that counts as an overflow. */
  burstFraction?: number;
  /** Stall timer period. Default 60 s. */
  tickMs?: number;
  /** Lateness of the tick that counts as a stall. Default 2 s. */
  stallMs?: number;
  onBurst(count: number): void;
  onStall(lateMs: number): void;
  /** The process was stopped and has been continued (SIGCONT). */
  onContinued(): void;
  /** Called on every tick (cheap periodic chores: roots that do not exist yet). */
  onTick?(): void;
}

export const DEFAULT_TICK_MS = 60_000;

export class OverflowDetector {
  private count = 0;
  private reported = false;
  private timer: NodeJS.Timeout | undefined;
  private due = 0;
  private readonly threshold: number;

  constructor(private readonly o: OverflowOptions) {
    this.threshold = Math.max(64, Math.floor(o.maxQueued * (o.burstFraction ?? 0.9)));
  }

  /** Call once per raw watch event. */
  countEvent(): void {
    if (this.count++ === 0) setImmediate(this.resetTurn);
    if (this.count >= this.threshold && !this.reported) {
      this.reported = true;
      // Report after the turn so the whole burst is counted and queued first.
      setImmediate(() => this.o.onBurst(this.count));
    }
  }

  private readonly resetTurn = (): void => {
    this.count = 0;
    this.reported = false;
  };

  start(): void {
    process.on('SIGCONT', this.onSigcont);
    this.arm();
  }

  stop(): void {
    process.off('SIGCONT', this.onSigcont);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly onSigcont = (): void => {
    // The stop may also have made the timer late: re-arm so it does not report it again.
    if (this.timer) clearTimeout(this.timer);
    this.arm();
    this.o.onContinued();
  };

  private arm(): void {
    const tick = this.o.tickMs ?? DEFAULT_TICK_MS;
    this.due = performance.now() + tick;
    this.timer = setTimeout(this.onTimer, tick);
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    const late = performance.now() - this.due;
    this.arm();
    if (late > (this.o.stallMs ?? 2_000)) this.o.onStall(Math.round(late));
    this.o.onTick?.();
  };
}
