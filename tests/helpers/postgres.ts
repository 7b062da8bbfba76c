// The e2e harness for the console's PostgreSQL datastore: a real PostgreSQL from Debian
// (`apt-get install postgresql`, scripts/e2e-packages.txt), a throwaway role and database per
// caller, reached over TCP on 127.0.0.1 with a password, as a console in production would.
//
// On a fresh machine the package leaves a cluster that may be down (containers have no
// systemd to start it): if no cluster is online (`pg_lsclusters`) it is started with
// `pg_ctlcluster VERSION main start`, created first with `pg_createcluster` when there is
// none. The cluster is left running for the other test files; each caller's role and
// database are dropped by its cleanup().
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';

export interface PostgresHandle {
  /** postgres://ROLE:PASSWORD@127.0.0.1:PORT/DATABASE */
  url: string;
  database: string;
  role: string;
  /** Runs SQL as the superuser in this handle's database (psql, one string, rows as text). */
  admin(sql: string): string;
  /** withPostgres({ own: true }): the cluster of its own, to stop and start. */
  cluster?: OwnCluster;
  /** Drops the database and the role (terminating connections still open); with a cluster of
   *  its own, the cluster. */
  cleanup(): Promise<void>;
}

interface Cluster {
  version: string;
  name: string;
  port: number;
  online: boolean;
}

function run(cmd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: '/', timeout: 120_000 });
  return { ok: r.status === 0, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.error ?? ''}` };
}

/** Why the harness cannot run here, or null when it can. */
export function postgresUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (runuser -u postgres)';
  for (const c of ['pg_lsclusters', 'pg_ctlcluster', 'pg_createcluster', 'psql', 'runuser'])
    if (!run('sh', ['-c', `command -v ${c}`]).ok)
      return `needs ${c} (apt-get install postgresql: scripts/install-e2e-deps.sh)`;
  if (installedVersions().length === 0) return 'needs a PostgreSQL server (/usr/lib/postgresql/*)';
  return null;
}

function installedVersions(): string[] {
  if (!existsSync('/usr/lib/postgresql')) return [];
  return readdirSync('/usr/lib/postgresql')
    .filter((v) => /^\d+$/.test(v) && existsSync(`/usr/lib/postgresql/${v}/bin/postgres`))
    .sort((a, b) => Number(b) - Number(a));
}

function clusters(): Cluster[] {
  const r = run('pg_lsclusters', ['--no-header']);
  if (!r.ok) throw new Error(`pg_lsclusters failed: ${r.err}`);
  return r.out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[0]!))
    .map((f) => ({ version: f[0]!, name: f[1]!, port: Number(f[2]), online: f[3] === 'online' }));
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** An online cluster, started (or created and started) if need be. */
async function ensureCluster(): Promise<Cluster> {
  let all = clusters();
  const online = all.find((c) => c.online);
  if (online) return online;
  if (all.length === 0) {
    const version = installedVersions()[0]!;
    const r = run('pg_createcluster', [version, 'main']);
    // Another test file may have created it at the same moment.
    if (!r.ok && clusters().length === 0)
      throw new Error(`pg_createcluster ${version} main failed: ${r.err}`);
    all = clusters();
  }
  const c = all.find((x) => x.name === 'main') ?? all[0]!;
  const r = run('pg_ctlcluster', [c.version, c.name, 'start']);
  // Started by another test file meanwhile: fine, as long as it comes online.
  for (let i = 0; i < 100; i++) {
    const now = clusters().find((x) => x.version === c.version && x.name === c.name);
    if (now?.online) return now;
    await sleep(100);
  }
  throw new Error(`pg_ctlcluster ${c.version} ${c.name} start did not bring it online: ${r.err}`);
}

function psql(port: number, sql: string, database = 'postgres'): string {
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
    database,
    '-c',
    sql,
  ]);
  if (!r.ok) throw new Error(`psql failed (${sql.slice(0, 80)}): ${r.err}`);
  return r.out.trim();
}

async function waitForTcp(url: string): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return;
    } catch (e) {
      last = e;
      await sleep(100);
    } finally {
      await c.end().catch(() => {});
    }
  }
  throw new Error(`PostgreSQL does not answer on ${url.replace(/:[^:@/]*@/, ':***@')}: ${last}`);
}

/** A cluster of its own, which a test may stop, start and restart without touching the shared
 *  one other test files use at the same time (dropped by the handle's cleanup). */
export interface OwnCluster {
  version: string;
  name: string;
  port: number;
  /** `pg_ctlcluster VERSION NAME stop -m fast`: open sessions are ended, their transactions
   *  rolled back, as when a database server is restarted by its administrator. */
  stop(): void;
  start(): Promise<void>;
}

async function ownCluster(): Promise<OwnCluster> {
  const version = installedVersions()[0]!;
  const name = `baomi_${randomBytes(4).toString('hex')}`;
  const made = run('pg_createcluster', [version, name]);
  if (!made.ok) throw new Error(`pg_createcluster ${version} ${name} failed: ${made.err}`);
  const found = clusters().find((c) => c.version === version && c.name === name);
  const drop = () => run('pg_dropcluster', ['--stop', version, name]);
  if (!found) {
    drop();
    throw new Error(`pg_createcluster ${version} ${name}: not listed`);
  }
  const c: OwnCluster = {
    version,
    name,
    port: found.port,
    stop() {
      const r = run('pg_ctlcluster', [version, name, 'stop', '-m', 'fast']);
      if (!r.ok) throw new Error(`pg_ctlcluster ${version} ${name} stop failed: ${r.err}`);
    },
    async start() {
      const r = run('pg_ctlcluster', [version, name, 'start']);
      for (let i = 0; i < 100; i++) {
        if (clusters().find((x) => x.name === name)?.online) return;
        await sleep(100);
      }
      throw new Error(`pg_ctlcluster ${version} ${name} start did not bring it online: ${r.err}`);
    },
  };
  try {
    await c.start();
  } catch (e) {
    drop(); // never leave a cluster behind
    throw e;
  }
  return c;
}

/** A throwaway role and database on the local cluster, reachable with a password over TCP;
 *  with `own`, on a cluster of its own (`handle.cluster`), dropped with the handle. */
export async function withPostgres(o: { own?: boolean } = {}): Promise<PostgresHandle> {
  const why = postgresUnavailableReason();
  if (why) throw new Error(`PostgreSQL harness: ${why}`);
  const own = o.own ? await ownCluster() : undefined;
  try {
    return await onCluster(own ?? (await ensureCluster()), own);
  } catch (e) {
    if (own) run('pg_dropcluster', ['--stop', own.version, own.name]);
    throw e;
  }
}

async function onCluster(
  cluster: { port: number },
  own: OwnCluster | undefined,
): Promise<PostgresHandle> {
  const id = randomBytes(6).toString('hex');
  const role = `baomi_t_${id}`;
  const database = `baomi_t_${id}`;
  const password = randomBytes(18).toString('hex');
  // Names and password are hex made here: nothing in them needs quoting.
  psql(cluster.port, `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  psql(cluster.port, `CREATE DATABASE ${database} OWNER ${role}`);
  const url = `postgres://${role}:${password}@127.0.0.1:${cluster.port}/${database}`;
  await waitForTcp(url);
  let cleaned = false;
  return {
    url,
    database,
    role,
    admin: (sql) => psql(cluster.port, sql, database),
    ...(own ? { cluster: own } : {}),
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      if (own) {
        const r = run('pg_dropcluster', ['--stop', own.version, own.name]);
        if (!r.ok) throw new Error(`pg_dropcluster ${own.version} ${own.name} failed: ${r.err}`);
        return;
      }
      psql(cluster.port, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      psql(cluster.port, `DROP ROLE IF EXISTS ${role}`);
    },
  };
}
