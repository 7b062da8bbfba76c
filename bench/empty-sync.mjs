// The baseline of bench/sync-e2e.mjs: the bare minimum a server must do for the simulated
// agents to run (DESIGN.md "Benchmarks": where the goal is a capacity, the baseline is the
// same load against the bare minimum). Bench-only; never shipped.
//
// The same Fastify with the same body limit; /api/v1/enroll hands out an id; /api/v1/sync
// parses the body (Fastify's JSON parser) and acknowledges everything it carries at once,
// telling the agent to call again after --interval-ms. No signature check, no database, no
// log: what the console adds on top of this is what bench/sync-e2e.mjs's ratio shows.
//
//   node bench/empty-sync.mjs --interval-ms 5000 [--tls-cert FILE --tls-key FILE]
// Listens on 127.0.0.1 (an ephemeral port) and prints {"url": …} on stdout. SIGTERM closes it.
// With a certificate it speaks HTTPS, as the console does with --tls-cert.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { MAX_BODY_BYTES } from '../dist/core/sync/wire.js';

const { values: args } = parseArgs({
  options: {
    'interval-ms': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  },
});
const intervalMs = Number(args['interval-ms']);
if (!Number.isInteger(intervalMs) || intervalMs <= 0) {
  process.stderr.write('empty-sync: --interval-ms N (a positive integer)\n');
  process.exit(2);
}

const tls = args['tls-cert']
  ? { cert: readFileSync(args['tls-cert']), key: readFileSync(args['tls-key']) }
  : null;
const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES, ...(tls ? { https: tls } : {}) });
app.post('/api/v1/enroll', async () => ({
  agentId: uuidv7(),
  group: 'bench',
  exceptionSecret: 'bench',
  exceptionKey: '',
}));
app.post('/api/v1/sync', async (req) => ({
  ackedSeq: req.body.events.at(-1)?.seq ?? req.body.heartbeat.head.seq,
  decisions: [],
  nextInMs: intervalMs,
}));

await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(
  `${JSON.stringify({ url: `${tls ? 'https' : 'http'}://127.0.0.1:${app.server.address().port}` })}\n`,
);
process.once('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});
