// The baseline of bench/ingest.mjs: a naive console ingest that stores each event in its own
// transaction. Bench-only; never shipped.
//
// What it shares with the console, so that the one difference is how events reach the
// database: the same Fastify (same body limit, the raw body kept for the signature), the same
// database file layout and engine settings (the console's own store opens and migrates it:
// SQLite WAL with synchronous=FULL, or the same PostgreSQL), enrollment through the same
// store, and the console's own per-request authentication (auth/agent.js: the agent row, the
// Ed25519 signature over the exact body, the nonce written before anything else). Then, per
// event, one autocommit INSERT … ON CONFLICT DO NOTHING (one commit, so one WAL flush, per
// row) and one UPDATE of the agent's acked seq at the end.
//
// What it leaves out, in its favour: no zod validation of the body, no rehash of each event,
// no continuity or chain check, no alerts, no rate limits, no request log. The naive side thus
// spends less CPU per event than the console; only its transactions are naive.
//
//   node bench/naive-ingest.mjs --data-dir DIR [--synchronous FULL|NORMAL]   (SQLite DIR/console.db)
//   node bench/naive-ingest.mjs --db postgres://…     (its schema must exist)
// Listens on 127.0.0.1 (an ephemeral port) and prints {"url": …} on stdout. GET
// /bench/stored answers {events} (rows in its events table). SIGTERM closes it.
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { authenticateAgent } from '../dist/console/auth/agent.js';
import { openConsoleStore } from '../dist/console/store/index.js';
import { eventValues } from '../dist/console/store/rows.js';
import { MAX_BODY_BYTES } from '../dist/core/sync/wire.js';

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    db: { type: 'string' },
    // SQLite only: FULL is the console's setting (the baseline of record); NORMAL shows what a
    // naive ingest gains by giving up durability (a commit not yet on disk when acknowledged).
    synchronous: { type: 'string', default: 'FULL' },
  },
});
if (!['FULL', 'NORMAL'].includes(args.synchronous)) {
  process.stderr.write('naive-ingest: --synchronous FULL or NORMAL\n');
  process.exit(2);
}
if (!args['data-dir'] === !args.db) {
  process.stderr.write('naive-ingest: give --data-dir DIR or --db URL\n');
  process.exit(2);
}

const store = await openConsoleStore(
  args.db ? { db: args.db, dataDir: '/nonexistent' } : { dataDir: args['data-dir'] },
);
const COLUMNS =
  'agent_id, seq, id, ts, type, severity, level, user_name, host, data, prev_hash, hash, received_at, flags';

/** insertOne(values) and setAcked(id, seq, hash), each its own transaction (autocommit). */
function sqliteWriter(file) {
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${args.synchronous}`);
  const insert = db.prepare(
    `INSERT INTO events (${COLUMNS}) VALUES (${COLUMNS.split(',')
      .map(() => '?')
      .join(', ')}) ON CONFLICT DO NOTHING`,
  );
  const acked = db.prepare('UPDATE agents SET acked_seq = ?, head_hash = ? WHERE id = ?');
  const count = db.prepare('SELECT count(*) AS n FROM events');
  return {
    insertOne: async (values) => insert.run(...values),
    setAcked: async (id, seq, hash) => acked.run(seq, hash, id),
    stored: async () => count.get().n,
    close: async () => db.close(),
  };
}

function postgresWriter(url) {
  // As many connections as the console's store holds (its default, 10).
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const insert = `INSERT INTO events (${COLUMNS}) VALUES (${COLUMNS.split(',')
    .map((_, i) => `$${i + 1}`)
    .join(', ')}) ON CONFLICT DO NOTHING`;
  return {
    insertOne: (values) => pool.query(insert, values),
    setAcked: (id, seq, hash) =>
      pool.query('UPDATE agents SET acked_seq = $1, head_hash = $2 WHERE id = $3', [seq, hash, id]),
    stored: async () => Number((await pool.query('SELECT count(*) AS n FROM events')).rows[0].n),
    close: () => pool.end(),
  };
}

const writer = args.db ? postgresWriter(args.db) : sqliteWriter(store.file);

const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES });
app.decorateRequest('rawBody', null);
app.removeAllContentTypeParsers();
const parseJson = app.getDefaultJsonParser('error', 'error');
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
  req.rawBody = body;
  parseJson(req, body, done);
});
app.setErrorHandler((err, _req, reply) => {
  reply.code(err.status ?? err.statusCode ?? 500).send({ error: err.code ?? 'ERROR' });
});

const deps = { store, now: Date.now };

app.post('/api/v1/enroll', async (req) => {
  const b = req.body;
  const id = uuidv7();
  await store.createAgent({
    id,
    publicKey: b.publicKey,
    exceptionSecret: 'bench',
    host: b.host,
    os: b.os,
    group: 'bench',
    enrolledAt: Date.now(),
  });
  return { agentId: id, group: 'bench', exceptionSecret: 'bench', exceptionKey: '' };
});

app.post('/api/v1/sync', async (req) => {
  const agent = await authenticateAgent(deps, req);
  const { events } = req.body;
  const now = Date.now();
  for (const e of events) await writer.insertOne(eventValues(agent.id, e, now, []));
  const last = events.at(-1);
  if (last) await writer.setAcked(agent.id, last.seq, last.hash);
  return { ackedSeq: last ? last.seq : agent.ackedSeq, decisions: [], nextInMs: 60_000 };
});

app.get('/bench/stored', async () => ({ events: await writer.stored() }));

await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(
  `${JSON.stringify({ url: `http://127.0.0.1:${app.server.address().port}` })}\n`,
);

process.once('SIGTERM', async () => {
  await app.close();
  await writer.close();
  await store.close();
  process.exit(0);
});
