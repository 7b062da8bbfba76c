// The SQLite store's writer thread (sqlite-rounds.ts says why): a second connection to the
// console's database file, committing batches of sync rounds with the store's own code
// (SqliteConsoleStore.commitRoundsNow), one transaction per batch, and answering each round's
// outcome. It runs nothing else. `{close: true}` closes the connection and ends the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteConsoleStore } from './sqlite.js';
import { toWire, type WriterAnswer, type WriterRequest } from './sqlite-rounds.js';

const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
// `inline`: this store commits in this thread (it is the writer).
const store = new SqliteConsoleStore(file, { busyTimeoutMs, writer: 'inline' });

parentPort!.on('message', (m: WriterRequest | { close: true }) => {
  if ('close' in m) {
    void store.close().then(() => process.exit(0));
    return;
  }
  let answer: WriterAnswer;
  try {
    const out = store.commitRoundsNow(m.rounds);
    answer = {
      id: m.id,
      out: out.map((o) => ('ok' in o ? { ok: o.ok } : { err: toWire(o.err) })),
    };
  } catch (e) {
    answer = { id: m.id, fail: toWire(e) };
  }
  parentPort!.postMessage(answer);
});
