// Test tool: opens a store and prints one JSON line, {ok:true} or the BaomiError's code and
// params; the exit code is the error's. Lets a test try the open as another user (setpriv).
//   node dist/agent/store/tools/open-probe.js <dataDir> [--read-only]
import { isBaomiError } from '../../../core/errors.js';
import { openStore } from '../index.js';

const [dataDir, flag] = process.argv.slice(2);
if (!dataDir) {
  process.stderr.write('usage: open-probe.js <dataDir> [--read-only]\n');
  process.exit(2);
}
try {
  openStore({ dataDir, host: 'probe', readOnly: flag === '--read-only' }).close();
  process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
} catch (e) {
  if (!isBaomiError(e)) throw e;
  process.stdout.write(`${JSON.stringify({ ok: false, code: e.code, params: e.params })}\n`);
  process.exitCode = e.exit;
}
