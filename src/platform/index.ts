// TEMPORARY stand-in until the platform adapters land (wt-ports): the real picker replaces it.
import type { Platform } from '../core/ports/index.js';
export function createPlatform(): Platform {
  const timer = (t: NodeJS.Timeout) => {
    t.unref();
    return { cancel: () => clearTimeout(t) };
  };
  return {
    os:
      process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'darwin' : 'linux',
    clock: {
      now: () => Date.now(),
      after: (ms, fn) => timer(setTimeout(fn, ms)),
      every: (ms, fn) => timer(setInterval(fn, ms)),
    },
    users: { nameOf: () => undefined },
    session: { name: 'none', current: async () => null, watch: () => ({ close() {} }) },
    commands: { run: async () => ({ code: null, stdout: '', stderr: '', missing: true }) },
    notifier: { name: 'none', notify: async () => false },
    tree: undefined as never,
    kernel: { maxQueuedEvents: () => undefined, maxUserWatches: () => undefined },
    lacks: [],
  };
}
