// Test tool (tests/integration/store/kill9.test.ts): appends events through the real store path
// until killed, printing each seq once its append promise resolved. Pipes to the parent are
// written synchronously on Linux, so a printed seq was reported only after its commit.
//   node dist/agent/store/tools/burst.js <dataDir> [count]
import { hostname } from 'node:os';
import { openStore } from '../index.js';

const [dataDir, countArg] = process.argv.slice(2);
if (!dataDir) {
  process.stderr.write('usage: burst.js <dataDir> [count]\n');
  process.exit(2);
}
const count = countArg ? Number(countArg) : Number.POSITIVE_INFINITY;
const store = openStore({ dataDir, host: hostname(), batchWindowMs: 2, batchMax: 64 });

let sent = 0;
async function run(): Promise<void> {
  while (sent < count) {
    // A few appends per turn of the event loop, so commits interleave with new work as they do
    // in the agent.
    const wave: Promise<void>[] = [];
    for (let i = 0; i < 16 && sent < count; i++, sent++) {
      wave.push(
        store
          .append({ type: 'file.modified', severity: 'info', data: { path: `/burst/${sent}` } })
          .then((e) => {
            process.stdout.write(`${e.seq}\n`);
          }),
      );
    }
    await Promise.all(wave);
  }
  store.close();
}

run().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
