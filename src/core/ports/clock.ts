// Time, as a port: the core never reads the clock (DESIGN.md "Layers"); modules get it from
// here so unit tests can drive time with the fake clock instead of waiting.
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** ms since the epoch, UTC. */
  now(): number;
  /** Runs fn once after ms. Timers never keep the process alive (unref'd). */
  after(ms: number, fn: () => void): Timer;
  /** Runs fn every ms until cancelled. Never keeps the process alive. */
  every(ms: number, fn: () => void): Timer;
}
