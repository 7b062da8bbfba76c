// Child process for the integration tests: runs the compiled layer on the folders given as
// JSON in argv[2] and prints one JSON line per batch, notice and hash. Plain JS on purpose:
// the tests stop it with SIGSTOP and lower its inotify limits, which needs a real process.
import { createFolderWatcher, MemorySnapshotStore } from '../../../dist/agent/folders/index.js';
import { createPlatform } from '../../../dist/platform/index.js';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const platform = createPlatform();
const w = createFolderWatcher({
  folders: cfg.folders,
  source: platform.tree,
  kernel: platform.kernel,
  snapshot: new MemorySnapshotStore(),
  scanIntervalMs: cfg.scanIntervalMs ?? 0,
  degradedScanMs: cfg.degradedScanMs,
  stallTickMs: cfg.stallTickMs,
  hashMaxBytes: cfg.hashMaxBytes ?? 0,
  onChanges: (changes, info) => out({ t: 'changes', info, changes }),
  onNotice: (n) => out({ t: 'notice', n }),
  onHashed: (h) => out({ t: 'hashed', h }),
});
// SIGUSR2 blocks the event loop for cfg.blockMs (a starved loop, without SIGSTOP/SIGCONT).
process.on('SIGUSR2', () => {
  const end = Date.now() + (cfg.blockMs ?? 3000);
  while (Date.now() < end);
});
await w.start();
out({ t: 'ready', stats: w.stats() });
process.on('SIGTERM', async () => {
  await w.stop();
  process.exit(0);
});
