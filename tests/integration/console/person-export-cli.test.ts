// `baomi console person-export` against a REAL `baomi console` process (HTTPS on loopback,
// its SQLite in a temporary data dir, staff made with `baomi console user add`), events from
// simulated agents that enroll and sign as real ones do. Every CLI call is a real process.
// And against a local HTTP server that cuts a real export short: nothing is left behind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvReader, decodeCsvCell } from '../../../src/core/console/person-export.js';
import { BIN } from '../../helpers/agent.js';
import { runCliAsync } from '../../helpers/cli-async.js';
import {
  addStaff,
  type ConsoleProcess,
  killConsole,
  StaffApi,
  startConsole,
} from '../../helpers/console-process.js';
import { makeTls, type TlsFiles } from '../../helpers/fake-console.js';
import { SimAgent } from '../../helpers/sim-agent.js';

const PASSWORD = 'correct horse battery staple';
const PERSON = '张三 =SUM(1,2)';

let root: string;
let tls: TlsFiles;
let con: ConsoleProcess;
const tokens: Record<string, string> = {};

function env(who: string, url = con.url): Record<string, string> {
  return { BAOMI_CONSOLE: url, BAOMI_CONSOLE_CA: tls.cert, BAOMI_CONSOLE_TOKEN: tokens[who]! };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'baomi-person-cli-'));
  tls = makeTls(root);
  const dataDir = join(root, 'console');
  for (const [name, role] of [
    ['ada', 'admin'],
    ['aud', 'auditor'],
    ['ana', 'analyst'],
  ] as const) {
    const r = await addStaff({ dataDir }, name, role, PASSWORD);
    expect(r.code, r.stderr).toBe(0);
  }
  con = await startConsole({ dataDir, tls, port: 0, syncInterval: '60s' });
  for (const name of ['ada', 'aud', 'ana']) {
    const api = await StaffApi.login(() => con.url, tls.certPem, name, PASSWORD);
    tokens[name] = (api as unknown as { token: string }).token;
  }
  const admin = await StaffApi.login(() => con.url, tls.certPem, 'ada', PASSWORD);
  const t = await admin.ok<{ token: string }>('POST', '/api/v1/enrollment-tokens', {
    group: 'finance',
    uses: 2,
  });
  for (const host of ['ws-01', 'ws-02']) {
    const a = await SimAgent.enroll(con.url, t.token, { ca: tls.certPem, host });
    await a.sync(
      a.next(
        Array.from({ length: 30 }, (_, i) => ({
          type: 'file.modified',
          user: i % 3 === 0 ? PERSON : i % 3 === 1 ? '张三' : `${PERSON}x`,
          data: { path: `/srv/finance/${host}/${i}.xlsx`, note: '"quoted",\nnew line' },
        })),
      ),
    );
  }
}, 60_000);

afterAll(async () => {
  if (con) await killConsole(con);
  rmSync(root, { recursive: true, force: true });
});

const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.includes('.partial'));

describe('baomi console person-export', () => {
  it('writes the CSV to --out whole (0600), says how many rows, and never replaces a file', async () => {
    const dir = mkdtempSync(join(root, 'out-'));
    const out = join(dir, 'zhang.csv');
    const r = await runCliAsync(
      ['console', 'person-export', PERSON, '--format', 'csv', '--out', out],
      env('aud'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /Exported 20 rows about 张三 =SUM\(1,2\) \(20 events, 0 requests, 0 alerts, 0 cases\)/,
    );
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const reader = new CsvReader();
    const records = [...reader.push(readFileSync(out, 'utf8')), ...reader.end()];
    const kinds = records.slice(1).map((x) => decodeCsvCell(x[0] ?? null));
    expect(kinds.filter((k) => k === 'event')).toHaveLength(20);
    expect(kinds.at(-1)).toBe('end');
    const userCol = records[0]!.indexOf('user');
    for (const x of records.slice(1).filter((y) => y[0] === 'event'))
      expect(decodeCsvCell(x[userCol] ?? null)).toBe(PERSON);
    expect(leftovers(dir)).toEqual([]);

    const before = readFileSync(out);
    const again = await runCliAsync(['console', 'person-export', PERSON, '--out', out], env('ada'));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists already and is not replaced/);
    expect(readFileSync(out)).toEqual(before);
  });

  it('prints the JSON to stdout; the analyst is refused and no file is made', async () => {
    const r = await runCliAsync(['console', 'person-export', '张三'], env('ada'));
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { user: string; counts: { rows: number } };
    expect(doc.user).toBe('张三');
    expect(doc.counts.rows).toBe(20);

    const dir = mkdtempSync(join(root, 'out-'));
    const refused = await runCliAsync(
      ['console', 'person-export', '张三', '--out', join(dir, 'x.json')],
      env('ana'),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/analyst/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)(
    'refuses to print the export on a terminal (its strings are exact): --out or a pipe',
    () => {
      // `script` gives the command a pseudo-terminal as its stdout.
      const r = spawnSync(
        'script',
        ['-qec', `${process.execPath} ${BIN} console person-export 张三`, '/dev/null'],
        { env: { ...process.env, LANG: 'en_US.UTF-8', ...env('ada') }, encoding: 'utf8' },
      );
      expect(r.status).toBe(2);
      expect(r.stdout).toMatch(/it goes to a file, not to this terminal\. Add --out FILE/);
      expect(r.stdout).not.toContain('counts');
    },
  );

  it('an export cut short is refused: exit 1, nothing left at --out', async () => {
    // A real export, served cut after half its bytes by a local server.
    const whole = await runCliAsync(['console', 'person-export', PERSON], env('ada'));
    expect(whole.code, whole.stderr).toBe(0);
    const body = Buffer.from(whole.stdout);
    let server: Server | undefined;
    try {
      for (const [cut, how] of [
        [Math.floor(body.length / 2), 'end'],
        [body.length - 3, 'destroy'],
      ] as const) {
        server = createServer((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.write(body.subarray(0, cut));
          if (how === 'end') res.end();
          else setTimeout(() => res.destroy(), 50);
        });
        await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
        const port = (server.address() as { port: number }).port;
        const dir = mkdtempSync(join(root, 'out-'));
        const r = await runCliAsync(
          ['console', 'person-export', PERSON, '--out', join(dir, 'cut.json')],
          { ...env('ada', `http://127.0.0.1:${port}`), BAOMI_CONSOLE_CA: '' },
        );
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(/ended before its last line/);
        expect(readdirSync(dir)).toEqual([]);
        await new Promise<void>((ok) => server!.close(() => ok()));
        server = undefined;
      }
    } finally {
      server?.close();
    }
    // A file in the way of the temporary one does not matter; the target must not exist.
    const dir = mkdtempSync(join(root, 'out-'));
    writeFileSync(join(dir, 'other'), 'x');
    const ok = await runCliAsync(
      ['console', 'person-export', PERSON, '--out', join(dir, 'p.json')],
      env('ada'),
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['other', 'p.json']);
  });
});

describe('baomi console events --json/--csv (through the export)', () => {
  it('a stream cut short is exit 1 with how many arrived, never a short answer that looks whole', async () => {
    const whole = await runCliAsync(['console', 'events', '--json'], env('aud'));
    expect(whole.code, whole.stderr).toBe(0);
    const lines = whole.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(60);
    const body = Buffer.from(`${lines.join('\n')}\n`);
    const half = body.indexOf('\n', Math.floor(body.length / 2)) + 1;
    let server: Server | undefined;
    try {
      for (const [cut, how] of [
        [half - 5, 'end'], // ends inside a line
        [half, 'destroy'], // whole lines, then the connection drops
      ] as const) {
        // The whole lines before the cut: each arrived and was written.
        const arrived = body.subarray(0, cut).toString('utf8').split('\n').length - 1;
        server = createServer((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
          res.write(body.subarray(0, cut));
          if (how === 'end') res.end();
          else setTimeout(() => res.destroy(), 50);
        });
        await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
        const port = (server.address() as { port: number }).port;
        for (const form of ['--json', '--csv']) {
          const r = await runCliAsync(['console', 'events', form], {
            ...env('aud', `http://127.0.0.1:${port}`),
            BAOMI_CONSOLE_CA: '',
          });
          expect(r.code, `${how} ${form}: ${r.stderr}`).toBe(1);
          expect(r.stderr).toMatch(/The console stopped sending after \d+ events/);
          expect(r.stderr).toContain(`after ${arrived} events`);
          // What arrived was written (after the CSV's header), then, with --json, the failure
          // as its own last line.
          const out = r.stdout.trimEnd().split(/\r?\n/);
          expect(out, `${how} ${form}`).toHaveLength(arrived + 1);
          if (form === '--json')
            expect(JSON.parse(out.at(-1)!)).toMatchObject({
              ok: false,
              error: { code: 'CONSOLE_CLIENT_EVENTS_CUT', params: { received: arrived } },
            });
        }
        await new Promise<void>((ok) => server!.close(() => ok()));
        server = undefined;
      }
    } finally {
      server?.close();
    }
  });
});
