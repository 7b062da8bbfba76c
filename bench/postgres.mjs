// PostgreSQL for the console benches (`BENCH_DB`), the way tests/helpers/postgres.ts does it
// for the e2e suite (that file is TypeScript, which Node 20 cannot import):
//   BENCH_DB=postgres          the local cluster (started with pg_ctlcluster if it is down,
//                              as root), a throwaway role and database over TCP, dropped after;
//   BENCH_DB=postgres://…      a database you give (its role needs CREATE on it).
// Either way each server of a run (the console, its baseline) gets a schema of its own in that
// database (`?options=-c search_path=…` on its URL), dropped at the end: both run on the same
// PostgreSQL, and neither sees the other's tables.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: '/', timeout: 120_000 });
  return { ok: r.status === 0, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.error ?? ''}` };
}

function clusters() {
  const r = run('pg_lsclusters', ['--no-header']);
  if (!r.ok) throw new Error(`pg_lsclusters failed (apt-get install postgresql): ${r.err}`);
  return r.out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[0]))
    .map((f) => ({ version: f[0], name: f[1], port: Number(f[2]), online: f[3] === 'online' }));
}

async function ensureCluster() {
  let all = clusters();
  const online = all.find((c) => c.online);
  if (online) return online;
  if (all.length === 0) {
    const versions = existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v))
      : [];
    if (versions.length === 0) throw new Error('no PostgreSQL server installed');
    const v = versions.sort((a, b) => Number(b) - Number(a))[0];
    const r = run('pg_createcluster', [v, 'main']);
    if (!r.ok && clusters().length === 0) throw new Error(`pg_createcluster: ${r.err}`);
    all = clusters();
  }
  const c = all.find((x) => x.name === 'main') ?? all[0];
  const r = run('pg_ctlcluster', [c.version, c.name, 'start']);
  for (let i = 0; i < 100; i++) {
    const now = clusters().find((x) => x.version === c.version && x.name === c.name);
    if (now?.online) return now;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`pg_ctlcluster ${c.version} ${c.name} start: ${r.err}`);
}

function psql(port, sql) {
  const r = run('runuser', [
    '-u',
    'postgres',
    '--',
    'psql',
    '-X',
    '-q',
    '-At',
    '-v',
    'ON_ERROR_STOP=1',
    '-p',
    String(port),
    '-d',
    'postgres',
    '-c',
    sql,
  ]);
  if (!r.ok) throw new Error(`psql (${sql.slice(0, 60)}): ${r.err}`);
  return r.out.trim();
}

export const redact = (url) => url.replace(/(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@');

/** The database the bench runs on: {url, version, cleanup()}. */
export async function benchDatabase(spec) {
  if (/^postgres(ql)?:\/\//i.test(spec))
    return { url: spec, version: null, cleanup: async () => {} };
  if (spec !== 'postgres' && spec !== 'pg')
    throw new Error(
      `BENCH_DB must be "postgres" or a postgres:// URL, not ${JSON.stringify(spec)}`,
    );
  if (process.getuid?.() !== 0)
    throw new Error('BENCH_DB=postgres needs root (runuser -u postgres)');
  const cluster = await ensureCluster();
  const id = randomBytes(5).toString('hex');
  const name = `baomi_bench_${id}`;
  const password = randomBytes(18).toString('hex');
  psql(cluster.port, `CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
  psql(cluster.port, `CREATE DATABASE ${name} OWNER ${name}`);
  return {
    url: `postgres://${name}:${password}@127.0.0.1:${cluster.port}/${name}`,
    version: cluster.version,
    async cleanup() {
      psql(cluster.port, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      psql(cluster.port, `DROP ROLE IF EXISTS ${name}`);
    },
  };
}

/** A fresh schema `name` in the database of `url`; its URL (search_path set) and drop(). */
export async function benchSchema(url, name) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await c.query(`CREATE SCHEMA ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: u.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: url });
      await d.connect();
      try {
        await d.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await d.end();
      }
    },
  };
}
