// The staff CLI (`baomi console login|agents|agent|revoke|events|alerts|requests|approve|deny|
// policy|enroll-token|audit`) against a REAL `baomi console` process: HTTPS on a free loopback
// port, its embedded SQLite in a temporary data dir, three staff accounts made with
// `baomi console user add` (password piped), their API tokens made with `baomi console login`.
// Events come from simulated agents (tests/helpers/sim-agent.ts) that enroll and sign their
// sync requests as real agents do. Every CLI call is a real `node bin/baomi.js` process.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvHeader } from '../../../src/cli/format.js';
import { generateKeyPair, signPolicy } from '../../../src/core/policy/signature.js';
import { BIN, policyYaml } from '../../helpers/agent.js';
import { SimAgent } from '../../helpers/sim-agent.js';

const PASSWORD = 'correct horse battery staple';
const STAFF = [
  ['ada', 'admin'],
  ['ana', 'analyst'],
  ['aud', 'auditor'],
] as const;
type Staff = (typeof STAFF)[number][0];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The test's environment without any BAOMI_CONSOLE* of the person running it. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('BAOMI_CONSOLE') && !/^(LC_ALL|LC_MESSAGES)$/.test(k))
      env[k] = v;
  return { ...env, LANG: 'en_US.UTF-8' };
}

/** `baomi ARGS` as a child process (async: in-process servers keep answering meanwhile). */
function cli(args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...baseEnv(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

function selfSigned(dir: string, san: string): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ed25519',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      '/CN=baomi-test',
      '-addext',
      `subjectAltName=${san}`,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  return { cert, key };
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '');
const jsonLines = <T = Record<string, unknown>>(s: string): T[] =>
  lines(s).map((l) => JSON.parse(l) as T);

let dir: string;
let dataDir: string;
let tls: { cert: string; key: string };
let other: { cert: string; key: string };
let child: ChildProcess | null = null;
let consoleErr = '';
let url: string;
/** BAOMI_CONSOLE, BAOMI_CONSOLE_CA and the API token of each member of staff. */
const as: Record<Staff, Record<string, string>> = { ada: {}, ana: {}, aud: {} };
const logins: Partial<Record<Staff, Run>> = {};
let enrollRun: Run;
let fin: SimAgent;
let hr: SimAgent;
const requestIds = [uuidv7(), uuidv7()];
const T0 = Date.now() - 3_600_000;
const FIN_EVENTS = 2500;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baomi-staff-'));
  dataDir = join(dir, 'data');
  tls = selfSigned(join(dir, 'tls'), 'IP:127.0.0.1,DNS:localhost');
  other = selfSigned(join(dir, 'other'), 'IP:127.0.0.1');
  for (const [name, role] of STAFF) {
    const r = await cli(
      ['console', 'user', 'add', name, '--role', role, '--data-dir', dataDir],
      {},
      `${PASSWORD}\n`,
    );
    if (r.code !== 0) throw new Error(`user add ${name}: ${r.stderr}`);
  }
  child = spawn(
    process.execPath,
    [
      BIN,
      'console',
      '--data-dir',
      dataDir,
      '--listen',
      '127.0.0.1:0',
      '--tls-cert',
      tls.cert,
      '--tls-key',
      tls.key,
      '--sync-interval',
      '30s',
    ],
    { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    consoleErr += d;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on https:\/\/127\.0\.0\.1:(\d+) /.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(Number(m[1]));
      } else if (child!.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`console exited: ${consoleErr}`));
      }
    }, 50);
  });
  url = `https://127.0.0.1:${port}`;

  for (const [name] of STAFF) {
    const r = await cli(
      ['console', 'login', name, '--console', url, '--ca', tls.cert],
      {},
      `${PASSWORD}\n`,
    );
    logins[name] = r;
    if (r.code !== 0) throw new Error(`login ${name}: ${r.stderr}`);
    for (const m of r.stdout.matchAll(/^export (\w+)=(\S+)$/gm)) as[name][m[1]!] = m[2]!;
  }

  // Two groups: finance (its department and class kept with the group) and hr.
  enrollRun = await cli(
    ['console', 'enroll-token', '--group', 'finance', '--uses', '2', '--department', '财务部'],
    as.ada,
  );
  if (enrollRun.code !== 0) throw new Error(`enroll-token: ${enrollRun.stderr}`);
  const finToken = /--token (bme_\S+)/.exec(enrollRun.stdout)![1]!;
  const hrRun = await cli(
    ['console', 'enroll-token', '--group', 'hr', '--class', '一般', '--json'],
    as.ada,
  );
  const hrToken = (JSON.parse(hrRun.stdout) as { token: string }).token;
  const ca = readFileSync(tls.cert);
  fin = await SimAgent.enroll(url, finToken, { ca, host: 'ws-fin-01' });
  hr = await SimAgent.enroll(url, hrToken, { ca, host: 'ws-hr-01' });
  // The finance workstation cannot enforce USB and says why (staff see the reason).
  fin.heartbeat = { usbEnforcing: false, usbReason: 'no-udev' };

  // 2,500 events from finance (three pages of the CLI's 1,000), then two exception requests.
  for (let start = 0; start < FIN_EVENTS; start += 1000) {
    const n = Math.min(1000, FIN_EVENTS - start);
    const batch = fin.next(
      Array.from({ length: n }, (_, k) => {
        const i = start + k;
        return {
          type: 'file.created',
          ts: T0 + i,
          user: i % 2 === 0 ? 'li' : 'wang',
          severity: i % 100 === 0 ? ('high' as const) : ('info' as const),
          data: { path: `/srv/finance/report-${i}.xlsx`, root: '/srv/finance' },
        };
      }),
    );
    await fin.sync(batch);
  }
  await fin.sync(
    fin.next(
      requestIds.map((requestId, k) => ({
        type: 'usb.exception-requested',
        ts: T0 + FIN_EVENTS + k,
        user: 'li',
        data: {
          requestId,
          device: `0781:5581:4C53000${k}`,
          deviceLabel: 'SanDisk Cruzer',
          reason: '审计部门拷贝账目 audit copy',
        },
      })),
    ),
  );
  await hr.sync(
    hr.next(
      Array.from({ length: 5 }, (_, i) => ({
        type: 'session.locked',
        ts: T0 + 10 * i,
        data: {},
      })),
    ),
  );
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
});

describe('baomi console (staff CLI, against a real console)', () => {
  it('`baomi console --help` lists the staff commands, in both languages', async () => {
    const en = await cli(['console', '--help']);
    expect(en.code).toBe(0);
    for (const w of ['login [options] <name>', 'agents', 'events', 'approve', 'enroll-token'])
      expect(en.stdout).toContain(w);
    expect(en.stdout).toContain('--listen'); // the server's own options are still there
    const zh = await cli(['console', '--help'], { LANG: 'zh_CN.UTF-8' });
    expect(zh.stdout).toMatch(/login \[选项\] <name>\s+登录控制台/);
    expect(zh.stdout).toContain('enroll-token [选项]');
    const upload = await cli(['console', 'policy', 'upload', '--help']);
    expect(upload.stdout).toMatch(/--class <class>/);
    expect(upload.stdout).toMatch(/--api-token <token>/);
    // A mistyped staff command is named, not passed to the server as an argument.
    const typo = await cli(['console', 'agentz']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      'baomi: Unknown command "agentz" (did you mean `baomi console agents`?). Run `baomi console --help` for the list of commands.\n',
    );
    expect((await cli(['console', 'agents', 'extra'])).code).toBe(2);
  });

  it('login prints the token once, as the lines that export it; a wrong password is exit 1', async () => {
    const r = logins.ada!;
    expect(r.stdout).toMatch(
      /^export BAOMI_CONSOLE=https:\/\/127\.0\.0\.1:\d+\nexport BAOMI_CONSOLE_CA=\/\S+\/cert\.pem\nexport BAOMI_CONSOLE_TOKEN=bmt_[A-Za-z0-9_-]{43}\n$/,
    );
    expect(r.stderr).toMatch(/API token for ada \(admin\), valid until \d{4}-\d\d-\d\d /);
    expect(r.stderr).toMatch(/shown only this once/);
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
    expect(logins.aud!.stderr).toMatch(/for aud \(auditor\)/);

    const bad = await cli(
      ['console', 'login', 'ada', '--console', url, '--ca', tls.cert],
      {},
      'wrong password!!\n',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('baomi: The console refused (401): Wrong name or password.\n');
    expect(bad.stdout).toBe('');
    const days = await cli(['console', 'login', 'ada', '--days', '400'], as.ada, `${PASSWORD}\n`);
    expect(days.code).toBe(2);
    expect(days.stderr).toMatch(/from 1 to 365 for --days/);
  });

  it('agents and agent: a table, --group, --json and --csv', async () => {
    const table = await cli(['console', 'agents'], as.aud);
    expect(table.code, table.stderr).toBe(0);
    const [head, ...rows] = lines(table.stdout);
    expect(head).toMatch(/^ID\s+HOST\s+GROUP\s+STATE\s+LAST SEEN \(.+\)\s+SEAT USER/);
    expect(rows).toHaveLength(2);
    expect(table.stdout).toMatch(new RegExp(`${fin.id}\\s+ws-fin-01\\s+finance\\s+online`));

    const group = await cli(['console', 'agents', '--group', 'hr', '--json'], as.aud);
    const only = jsonLines<{ id: string; host: string; personnelClass: string }>(group.stdout);
    expect(only).toHaveLength(1);
    expect(only[0]).toMatchObject({ id: hr.id, host: 'ws-hr-01', personnelClass: '一般' });

    const csv = await cli(['console', 'agents', '--csv'], as.aud);
    const [csvHead, ...csvRows] = csv.stdout.trimEnd().split('\r\n');
    expect(csvHead).toBe(
      'id,host,os,group,department,class,state,last_seen,seat_user,agent_version,policy,usb_enforcing,usb_reason,events_waiting,acked_seq,enrolled,revoked',
    );
    expect(csvRows).toHaveLength(2);
    expect(csvRows.find((r) => r.startsWith(fin.id))).toMatch(
      /,ws-fin-01,linux,finance,财务部,,online,\d{4}-.*,false,no-udev,0,2502,/,
    );

    const one = await cli(['console', 'agent', fin.id], as.aud);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Host:\s+ws-fin-01$/m);
    expect(one.stdout).toMatch(/^Department:\s+财务部$/m);
    expect(one.stdout).toMatch(/^Acknowledged through seq:\s+2502$/m);
    expect(one.stdout).toMatch(/^USB:\s+.+ \(no-udev\)$/m);
    const oneJson = await cli(['console', 'agent', fin.id, '--json'], as.aud);
    expect(JSON.parse(oneJson.stdout)).toMatchObject({
      id: fin.id,
      group: 'finance',
      ackedSeq: 2502,
    });

    const missing = await cli(['console', 'agent', uuidv7()], as.aud);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^baomi: The console refused \(404\): No agent with the id /);
  });

  it('events: every matching event over several pages, the filters of `baomi events`, --limit', async () => {
    const total = FIN_EVENTS + 2 + 5;
    const all = await cli(['console', 'events', '--json'], as.aud);
    expect(all.code, all.stderr).toBe(0);
    const events = jsonLines<{ agentId: string; seq: number; ts: number; hash: string }>(
      all.stdout,
    );
    expect(events).toHaveLength(total);
    expect(new Set(events.map((e) => `${e.agentId}:${e.seq}`)).size).toBe(total);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.ts).toBeGreaterThanOrEqual(events[i - 1]!.ts);
    const finSeqs = events.filter((e) => e.agentId === fin.id).map((e) => e.seq);
    expect(finSeqs).toEqual(Array.from({ length: FIN_EVENTS + 2 }, (_, i) => i + 1));

    const csv = await cli(['console', 'events', '--csv', '--agent', fin.id], as.aud);
    const [head, ...rows] = csv.stdout.trimEnd().split('\r\n');
    expect(head).toBe(csvHeader({ agent: true }));
    expect(head).toBe('seq,id,ts,time,type,severity,level,user,host,detail,data,hash,agent');
    expect(rows).toHaveLength(FIN_EVENTS + 2);
    expect(rows[0]).toMatch(
      new RegExp(`^1,.*,ws-fin-01,/srv/finance/report-0\\.xlsx,.*,${fin.id}$`),
    );

    const table = await cli(['console', 'events', '--agent', hr.id], as.aud);
    const [tableHead, ...tableRows] = lines(table.stdout);
    expect(tableHead).toMatch(/^SEQ\s+HOST\s+TIME \(.+\)\s+TYPE\s+SEVERITY/);
    expect(tableRows).toHaveLength(5);
    expect(tableRows[0]).toMatch(/^1\s+ws-hr-01\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-Z]/);

    const cut = await cli(['console', 'events', '--limit', '10', '--json'], as.aud);
    expect(cut.code).toBe(0);
    const newest = jsonLines<{ seq: number; agentId: string }>(cut.stdout);
    expect(newest.map((e) => `${e.agentId}:${e.seq}`)).toEqual(
      events.slice(-10).map((e) => `${e.agentId}:${e.seq}`),
    );
    expect(cut.stderr).toBe(
      `baomi: Showing 10 of ${total} matching events (the newest, --limit 10); ${total - 10} older ones left out. Use --limit 0 for all.\n`,
    );

    const count = async (args: string[]) => {
      const r = await cli(['console', 'events', '--json', ...args], as.aud);
      expect(r.code, r.stderr).toBe(0);
      return lines(r.stdout).length;
    };
    expect(await count(['--type', 'usb.exception-requested'])).toBe(2);
    expect(await count(['--type', 'session.*'])).toBe(5);
    expect(await count(['--user', 'wang'])).toBe(FIN_EVENTS / 2);
    expect(await count(['--severity', 'high'])).toBe(FIN_EVENTS / 100);
    expect(await count(['--text', 'report-2499.xlsx'])).toBe(1);
    expect(await count(['--since', new Date(T0 + FIN_EVENTS).toISOString()])).toBe(2);

    const badSeverity = await cli(['console', 'events', '--severity', 'nope'], as.aud);
    expect(badSeverity.code).toBe(2);
    expect(badSeverity.stderr).toMatch(/Unknown --severity "nope"/);
    const badAgent = await cli(['console', 'events', '--agent', 'not-an-id'], as.aud);
    expect(badAgent.code).toBe(2);
    expect(badAgent.stderr).toMatch(/^baomi: The console refused \(400\): /);
  });

  it('requests, approve and deny: roles, decisions reaching the agent, JSON and CSV', async () => {
    const [first, second] = requestIds as [string, string];
    const pending = await cli(['console', 'requests'], as.aud);
    expect(pending.code).toBe(0);
    expect(lines(pending.stdout)[0]).toMatch(/^ID\s+REQUESTED \(.+\)\s+HOST\s+USER\s+DEVICE/);
    expect(pending.stdout).toMatch(
      new RegExp(
        `${first}\\s+\\S+ \\S+\\s+ws-fin-01\\s+li\\s+SanDisk Cruzer \\(0781:5581:4C530000\\)`,
      ),
    );
    expect(lines(pending.stdout).filter((l) => /\spending$/.test(l))).toHaveLength(2);

    // An auditor reads, and may not decide.
    const refused = await cli(['console', 'approve', first, '--note', 'ok'], as.aud);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'baomi: The console refused (403): The role auditor may not do this; it needs admin | analyst.\n',
    );
    const noNote = await cli(['console', 'deny', second], as.ada);
    expect(noNote.code).toBe(2);
    expect(noNote.stderr).toMatch(/--note/);
    // Empty values never reach the console (its answer would be schema jargon).
    for (const args of [
      ['events', '--user='],
      ['agents', '--group', ''],
      ['cases', '--assignee', ' '],
    ]) {
      const r = await cli(['console', ...args], as.aud);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^baomi: --(user|group|assignee) was given an empty value/);
    }
    const emptyNote = await cli(['console', 'deny', second, '--note', '  '], as.ada);
    expect(emptyNote.code).toBe(2);
    expect(emptyNote.stderr).toMatch(/--note was given an empty value/);

    const approved = await cli(
      ['console', 'approve', first, '--note', '审计 audit', '--hours', '2'],
      as.ana,
    );
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(
      new RegExp(
        `^Approved request ${first}: li may use SanDisk Cruzer \\(0781:5581:4C530000\\) on ws-fin-01 until \\d{4}-`,
      ),
    );
    const denied = await cli(
      ['console', 'deny', second, '--note', 'no reason given', '--json'],
      as.ada,
    );
    expect(denied.code).toBe(0);
    expect(JSON.parse(denied.stdout)).toMatchObject({
      id: second,
      state: 'denied',
      decidedBy: 'ada',
    });
    const again = await cli(['console', 'approve', first, '--note', 'twice'], as.ada);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/\(409\): The request .* was already approved/);

    const done = await cli(['console', 'requests', '--state', 'approved', '--json'], as.aud);
    const rows = jsonLines<{ id: string; decidedBy: string; token: string; note: string }>(
      done.stdout,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first, decidedBy: 'ana', note: '审计 audit' });
    expect(rows[0]!.token).toMatch(/^BMX1\./);
    const csv = await cli(['console', 'requests', '--csv'], as.aud);
    const [head, ...csvRows] = csv.stdout.trimEnd().split('\r\n');
    expect(head).toBe(
      'id,requested,agent,host,user,device,device_label,reason,state,decided_by,decided,note,delivered',
    );
    expect(csvRows.map((r) => r.split(',')[8]).sort()).toEqual(['approved', 'denied']);
    const badState = await cli(['console', 'requests', '--state', 'maybe'], as.aud);
    expect(badState.code).toBe(2);

    // The next sync carries both decisions; the approval with its signed token.
    const answer = await fin.sync();
    const byId = new Map(answer.decisions.map((d) => [d.requestId, d]));
    expect(byId.get(first)).toMatchObject({ approved: true, decidedBy: 'ana' });
    expect(byId.get(first)!.token).toBe(rows[0]!.token);
    expect(byId.get(second)).toMatchObject({ approved: false, note: 'no reason given' });
  });

  it('policy upload by group reaches that group’s agents only; list and versions', async () => {
    const keys = generateKeyPair();
    const file = join(dir, 'finance.yaml');
    const bytes = Buffer.from(policyYaml(7, 'usb:\n  storage: block\n'), 'utf8');
    writeFileSync(file, bytes);
    const sig = signPolicy(bytes, keys.privateKeyPem);
    writeFileSync(`${file}.sig`, sig);

    const unsigned = join(dir, 'unsigned.yaml');
    writeFileSync(unsigned, bytes);
    const noSig = await cli(
      ['console', 'policy', 'upload', unsigned, '--group', 'finance'],
      as.ada,
    );
    expect(noSig.code).toBe(2);
    expect(noSig.stderr).toMatch(
      /unsigned\.yaml\.sig does not exist: a policy is uploaded with its signature/,
    );
    const two = await cli(
      ['console', 'policy', 'upload', file, '--group', 'finance', '--class', '核心'],
      as.ada,
    );
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/Say whom the policy is for, once/);
    const auditor = await cli(['console', 'policy', 'upload', file, '--group', 'finance'], as.aud);
    expect(auditor.code).toBe(1);
    expect(auditor.stderr).toMatch(/\(403\): The role auditor may not do this; it needs admin\./);

    const bad = join(dir, 'bad.yaml');
    const badBytes = Buffer.from(policyYaml(8, 'usb:\n  storage: maybe\n'), 'utf8');
    writeFileSync(bad, badBytes);
    writeFileSync(`${bad}.sig`, signPolicy(badBytes, keys.privateKeyPem));
    const refused = await cli(['console', 'policy', 'upload', bad, '--group', 'finance'], as.ada);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/bad\.yaml:6:\d+: .*storage/);
    expect(refused.stderr).toMatch(
      /The console refused \(400\): The policy is refused \(1 problem/,
    );

    // With the fleet's trust dir, a .sig made for other bytes is refused here, nothing sent
    // (the console cannot check it: it holds no policy key; every agent would refuse it).
    const trust = join(dir, 'fleet-trust');
    mkdirSync(join(trust, 'policy'), { recursive: true, mode: 0o755 });
    writeFileSync(join(trust, 'policy', 'it.pub'), keys.publicKeyPem, { mode: 0o644 });
    const other = join(dir, 'other.yaml');
    writeFileSync(other, Buffer.from(policyYaml(7, 'usb:\n  storage: allow\n'), 'utf8'));
    writeFileSync(`${other}.sig`, sig);
    const mismatch = await cli(
      ['console', 'policy', 'upload', other, '--group', 'finance', '--trust-dir', trust],
      as.ada,
    );
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/Not uploaded: .*other\.yaml\.sig does not pass the check/);
    expect(jsonLines((await cli(['console', 'policy', 'list', '--json'], as.aud)).stdout)).toEqual(
      [],
    );

    const up = await cli(
      ['console', 'policy', 'upload', file, '--group', 'finance', '--trust-dir', trust],
      as.ada,
    );
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toBe('');
    expect(up.stdout).toMatch(
      /^Uploaded policy "测试策略 test policy" version 7 for group finance \(id \d+, sha256 [0-9a-f]{64}\)/,
    );

    const toFin = await fin.sync();
    expect(toFin.policy).toBeDefined();
    expect(Buffer.from(toFin.policy!.bytes, 'base64').equals(bytes)).toBe(true);
    expect(toFin.policy!.signature).toBe(sig.trim());
    expect((await hr.sync()).policy).toBeUndefined();

    const list = await cli(['console', 'policy', 'list'], as.aud);
    expect(list.stdout).toMatch(/^ID\s+FOR\s+NAME\s+VERSION\s+UPLOADED BY\s+UPLOADED \(/);
    expect(list.stdout).toMatch(/1\s+group finance\s+测试策略 test policy\s+7\s+ada/);
    const listJson = jsonLines((await cli(['console', 'policy', 'list', '--json'], as.aud)).stdout);
    expect(listJson).toEqual([
      expect.objectContaining({ target: { kind: 'group', value: 'finance' }, version: 7 }),
    ]);
    const listCsv = await cli(['console', 'policy', 'list', '--csv'], as.aud);
    expect(listCsv.stdout.split('\r\n')[0]).toBe(
      'id,target_kind,target,name,version,uploaded_by,uploaded,sha256',
    );

    // Which agents run which version: from the heartbeats (flushed every 2 s).
    fin.heartbeat = { policy: { name: '测试策略 test policy', version: 7 } };
    await fin.sync();
    let versions: { name: string | null; version: number | null; agents: number }[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await cli(['console', 'policy', 'versions', '--json'], as.aud);
      versions = jsonLines(r.stdout);
      if (versions.some((v) => v.version === 7)) break;
      await new Promise((r2) => setTimeout(r2, 200));
    }
    expect(versions).toContainEqual({ name: '测试策略 test policy', version: 7, agents: 1 });
    const table = await cli(['console', 'policy', 'versions'], as.aud);
    expect(table.stdout).toMatch(/^NAME\s+VERSION\s+AGENTS$/m);
    expect(table.stdout).toMatch(/^测试策略 test policy\s+7\s+1$/m);

    // A group no enrolled agent is in (a typo): uploaded, and said on stderr.
    const typo = await cli(['console', 'policy', 'upload', file, '--group', 'finanse'], as.ada);
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stderr).toMatch(/No enrolled agent is in group finanse now/);
  });

  it('alerts: a gap the console recorded, by state, as a table, JSON and CSV', async () => {
    fin.seq += 3; // three events the console never sees: a gap
    await fin.sync(fin.next([{ type: 'file.deleted', data: { path: '/srv/finance/x' } }]));
    const table = await cli(['console', 'alerts'], as.aud);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /^ID\s+TIME \(.+\)\s+HOST\s+TYPE\s+SEVERITY\s+STATE\s+SEQ\s+DATA$/m,
    );
    expect(table.stdout).toMatch(/ws-fin-01\s+sync\.gap\s+high\s+预报/);
    const json = jsonLines<{ type: string; agentId: string }>(
      (await cli(['console', 'alerts', '--state', '预报', '--json'], as.aud)).stdout,
    );
    expect(json).toContainEqual(expect.objectContaining({ type: 'sync.gap', agentId: fin.id }));
    const none = await cli(['console', 'alerts', '--state', '结案'], as.aud);
    expect(none.stdout).toBe('No alerts match.\n');
    const csv = await cli(['console', 'alerts', '--csv'], as.aud);
    expect(csv.stdout.split('\r\n')[0]).toBe('id,time,agent,host,type,severity,state,seq,data');
    const bad = await cli(['console', 'alerts', '--state', 'open'], as.aud);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/choose one of 预报, 调查, 初步评估, 处置, 结案/);
    // The English alias, as `alert ID --state` takes it.
    const alias = await cli(['console', 'alerts', '--state', 'forecast', '--json'], as.aud);
    expect(alias.code, alias.stderr).toBe(0);
    expect(jsonLines(alias.stdout).length).toBe(json.length);

    // More alerts than the console lists at once (1,000), all from one agent: every one is
    // listed (it stopped at the newest 1,000 with a hint no filter could satisfy).
    const db = new Database(join(dataDir, 'console.db'));
    try {
      const add = db.prepare(
        "INSERT INTO alerts (agent_id, ts, type, severity, data, notify_todo) VALUES (?, ?, 'test.bulk', 'low', '{}', 0)",
      );
      db.transaction(() => {
        for (let i = 0; i < 1234; i++) add.run(hr.id, T0 + i);
      })();
    } finally {
      db.close();
    }
    const bulk = await cli(['console', 'alerts', '--type', 'test.bulk', '--json'], as.aud);
    expect(bulk.code, bulk.stderr).toBe(0);
    const ids = jsonLines<{ id: number }>(bulk.stdout).map((a) => a.id);
    expect(ids).toHaveLength(1234);
    expect(new Set(ids).size).toBe(1234);
    expect(bulk.stderr).toBe('');
    const bulkCsv = await cli(['console', 'alerts', '--type', 'test.bulk', '--csv'], as.aud);
    expect(bulkCsv.stdout.trimEnd().split('\r\n')).toHaveLength(1 + 1234);
    const cut = await cli(
      ['console', 'alerts', '--type', 'test.bulk', '--limit', '1100', '--json'],
      as.aud,
    );
    expect(jsonLines(cut.stdout)).toHaveLength(1100);
    expect(cut.stderr).toMatch(/newest 1100 matching alerts \(--limit 1100\); older ones match/);
    const exact = await cli(
      ['console', 'alerts', '--type', 'test.bulk', '--limit', '1234', '--json'],
      as.aud,
    );
    expect(jsonLines(exact.stdout)).toHaveLength(1234);
    expect(exact.stderr).toBe('');
  });

  it('alert: staff move an alert through its stages by name or alias; others may not; no going back', async () => {
    const [gap] = jsonLines<{ id: number; type: string }>(
      (await cli(['console', 'alerts', '--agent', fin.id, '--json'], as.aud)).stdout,
    ).filter((a) => a.type === 'sync.gap');
    const id = String(gap!.id);
    const refused = await cli(['console', 'alert', id, '--state', '调查', '--note', 'n'], as.aud);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\(403\): The role auditor may not do this/);

    const moved = await cli(
      ['console', 'alert', id, '--state', 'investigating', '--note', '核实 gap 原因', '--utc'],
      as.ana,
    );
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(new RegExp(`^Alert:\\s+${id}$`, 'm'));
    expect(moved.stdout).toMatch(/^State:\s+调查$/m);
    expect(moved.stdout).toMatch(/^Changed by:\s+ana$/m);
    expect(moved.stdout).toMatch(/^Note:\s+核实 gap 原因$/m);
    expect(moved.stdout).toMatch(/^Agent:\s+ws-fin-01 \(/m);

    const closed = jsonLines<{ state: string; stateBy: string }>(
      (await cli(['console', 'alert', id, '--state', '结案', '--note', 'ok', '--json'], as.ada))
        .stdout,
    );
    expect(closed).toEqual([expect.objectContaining({ state: '结案', stateBy: 'ada' })]);
    const back = await cli(['console', 'alert', id, '--state', 'handled', '--note', 'n'], as.ada);
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(/\(409\): The alert .* is at 结案 and cannot move to 处置/);
    const typo = await cli(['console', 'alert', id, '--state', 'open', '--note', 'n'], as.ada);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/choose one of 预报, 调查, .* forecast, investigating/);
    const table = await cli(['console', 'alerts', '--state', '结案'], as.aud);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s.*sync\\.gap\\s+high\\s+结案`, 'm'));
  });

  it('enroll-token: the exact `baomi enroll` line for IT, --list, --revoke', async () => {
    expect(enrollRun.stdout).toMatch(
      /^Enrollment token for group finance: 2 use\(s\), valid until \d{4}-.* \(id [0-9a-f-]{36}\)\. It is shown only this once:\nbme_[A-Za-z0-9_-]{43}\n/,
    );
    const line = /^ {2}(baomi enroll .*)$/m.exec(enrollRun.stdout)![1]!;
    expect(line).toBe(
      `baomi enroll --console ${url} --token ${/bme_\S+/.exec(enrollRun.stdout)![0]} --ca ${tls.cert}`,
    );
    expect(enrollRun.stdout).toContain(`copy ${tls.cert} to the workstation`);

    const list = await cli(['console', 'enroll-token', '--list'], as.ada);
    expect(list.stdout).toMatch(/^ID\s+GROUP\s+USES LEFT\s+EXPIRES \(.+\)\s+STATE/);
    expect(list.stdout).toMatch(/finance\s+1\s+\S+ \S+\s+valid\s+ada/);
    expect(list.stdout).not.toMatch(/bme_/);
    const tokens = jsonLines<{ id: string; group: string }>(
      (await cli(['console', 'enroll-token', '--list', '--json'], as.ada)).stdout,
    );
    const finTok = tokens.find((x) => x.group === 'finance')!;

    const analyst = await cli(['console', 'enroll-token', '--list'], as.ana);
    expect(analyst.code).toBe(1);
    expect(analyst.stderr).toMatch(/\(403\): The role analyst may not do this/);
    for (const args of [[], ['--list', '--group', 'x'], ['--uses', '3']]) {
      const r = await cli(['console', 'enroll-token', ...args], as.ada);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/Give one of: --group G/);
    }
    // A token that would move finance (财务部) elsewhere: refused, nothing changed.
    const moving = await cli(
      ['console', 'enroll-token', '--group', 'finance', '--department', '其他部'],
      as.ada,
    );
    expect(moving.code).toBe(1);
    expect(moving.stderr).toMatch(
      /\(409\): Group finance already has department "财务部".*--regroup/,
    );
    const fins = jsonLines<{ group: string; department: string }>(
      (await cli(['console', 'agents', '--json', '--group', 'finance'], as.aud)).stdout,
    );
    expect(fins.length).toBeGreaterThan(0);
    for (const a of fins) expect(a.department).toBe('财务部');

    const revoked = await cli(['console', 'enroll-token', '--revoke', finTok.id], as.ada);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^Enrollment token .* revoked/);
    const twice = await cli(['console', 'enroll-token', '--revoke', finTok.id], as.ada);
    expect(twice.code, twice.stderr).toBe(0);
    expect(twice.stdout).toMatch(/^Enrollment token .* was already revoked at \d{4}-/);
    const token = /--token (bme_\S+)/.exec(enrollRun.stdout)![1]!;
    await expect(
      SimAgent.enroll(url, token, { ca: readFileSync(tls.cert), host: 'ws-fin-02' }),
    ).rejects.toThrow(/enroll: 401/);
  });

  it('revoke: an admin revokes an agent, whose next sync is refused; others may not', async () => {
    const analyst = await cli(['console', 'revoke', hr.id], as.ana);
    expect(analyst.code).toBe(1);
    expect(analyst.stderr).toMatch(/\(403\): The role analyst may not do this; it needs admin\./);
    const r = await cli(['console', 'revoke', hr.id], as.ada);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Agent ${hr.id} \\(ws-hr-01\\) revoked at \\d{4}-`));
    const after = await hr.post(hr.body([]));
    expect(after.status).toBe(403);
    const state = jsonLines<{ id: string; state: string }>(
      (await cli(['console', 'agents', '--json'], as.aud)).stdout,
    );
    expect(state.find((a) => a.id === hr.id)!.state).toBe('revoked');
  });

  it('audit: every staff action, paged with --after/--limit, as JSON and CSV; --verify', async () => {
    const analyst = await cli(['console', 'audit'], as.ana);
    expect(analyst.code).toBe(1);
    expect(analyst.stderr).toMatch(/\(403\): The role analyst may not do this/);

    const table = await cli(['console', 'audit'], as.aud);
    expect(table.code).toBe(0);
    expect(lines(table.stdout)[0]).toMatch(
      /^SEQ\s+TIME \(.+\)\s+WHO\s+ACTION\s+FROM\s+FOR\s+DETAILS$/,
    );
    for (const action of [
      'user.created',
      'login',
      'login.failed',
      'token.created',
      'enroll.token-created',
      'agent.enrolled',
      'request.approved',
      'request.denied',
      'policy.uploaded',
      'enroll.token-revoked',
      'agent.revoked',
      'alert.changed',
      // `console events --json/--csv` read through the export: traced as the web UI's is.
      'events.exported',
    ])
      expect(table.stdout, action).toMatch(new RegExp(`\\s${action.replace('.', '\\.')}\\s`));

    const rows = jsonLines<{ seq: number; action: string }>(
      (await cli(['console', 'audit', '--json'], as.aud)).stdout,
    );
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    const csv = await cli(['console', 'audit', '--csv'], as.aud);
    const [head, ...csvRows] = csv.stdout.trimEnd().split('\r\n');
    expect(head).toBe('seq,time,actor,action,ip,target,details,prev_hash,hash');
    expect(csvRows).toHaveLength(rows.length);

    const page = await cli(['console', 'audit', '--limit', '2'], as.aud);
    expect(lines(page.stdout)).toHaveLength(3);
    expect(page.stderr).toBe(
      'baomi: Showed 2 rows (--limit 2); more follow: go on with --after 2.\n',
    );
    const next = jsonLines<{ seq: number }>(
      (await cli(['console', 'audit', '--after', '2', '--limit', '2', '--json'], as.aud)).stdout,
    );
    expect(next.map((r) => r.seq)).toEqual([3, 4]);
    const tail = await cli(
      ['console', 'audit', '--after', String(rows.length - 1), '--limit', '5'],
      as.aud,
    );
    expect(tail.stderr).toBe('');

    const verify = await cli(['console', 'audit', '--verify'], as.aud);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^Audit trail intact: \d+ rows checked from the first\.$/m);
    const conflict = await cli(['console', 'audit', '--verify', '--limit', '3'], as.aud);
    expect(conflict.code).toBe(2);
  });

  it('audit --verify exits 1 and names every break when a row was changed behind the console', async () => {
    const db = new Database(join(dataDir, 'console.db'));
    try {
      db.exec('DROP TRIGGER audit_no_update');
      db.prepare("UPDATE audit SET target = 'mallory' WHERE seq = 3").run();
      db.prepare('UPDATE audit SET prev_hash = ? WHERE seq = 5').run('0'.repeat(64));
    } finally {
      db.close();
    }
    const r = await cli(['console', 'audit', '--verify'], as.aud);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Audit trail BROKEN: 3 place\(s\) where the chain does not hold/);
    expect(r.stdout).toMatch(/^ {2}row 3: its hash does not match its content \(changed\)$/m);
    expect(r.stdout).toMatch(/^ {2}row 5: it does not link to the row before it/m);
    expect(r.stdout).toMatch(/^ {2}row 5: its hash does not match/m);
    const json = await cli(['console', 'audit', '--verify', '--json'], as.aud);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      breaks: [
        { seq: 3, kind: 'hash' },
        { seq: 5, kind: 'link' },
        { seq: 5, kind: 'hash' },
      ],
    });
  });

  it('says what is wrong with the connection in one line, in both languages', async () => {
    const noUrl = await cli(['console', 'agents']);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(
      /^baomi: Which console\? Give --console URL, or set BAOMI_CONSOLE/,
    );
    const noUrlZh = await cli(['console', 'agents'], { LANG: 'zh_CN.UTF-8' });
    expect(noUrlZh.stderr).toMatch(/要连接哪个控制台/);

    const noToken = await cli(['console', 'agents', '--console', url, '--ca', tls.cert]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/No API token: set BAOMI_CONSOLE_TOKEN/);
    const shape = await cli(['console', 'agents', '--api-token', 'hunter2-secret'], {
      BAOMI_CONSOLE: url,
    });
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/The API token in --api-token is not one a console makes/);
    expect(shape.stderr).not.toContain('hunter2');

    const unknown = { ...as.aud, BAOMI_CONSOLE_TOKEN: `bmt_${'A'.repeat(43)}` };
    const refused = await cli(['console', 'agents'], unknown);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `baomi: The console at ${url} refused the API token: unknown, expired or revoked, or its account is disabled. Get a new one with \`baomi console login NAME\` and export it as BAOMI_CONSOLE_TOKEN.\n`,
    );
    const refusedZh = await cli(['console', 'agents'], { ...unknown, LANG: 'zh_CN.UTF-8' });
    expect(refusedZh.stderr).toMatch(/拒绝了该 API 令牌/);

    // A second token of the analyst's, ended with `logout`: refused from then on.
    const extra = await cli(['console', 'login', 'ana', '--days', '1'], as.ana, `${PASSWORD}\n`);
    const token = /BAOMI_CONSOLE_TOKEN=(\S+)/.exec(extra.stdout)![1]!;
    const scripted = { ...as.ana, BAOMI_CONSOLE_TOKEN: token };
    expect((await cli(['console', 'requests'], scripted)).code).toBe(0);
    const logout = await cli(['console', 'logout'], scripted);
    expect(logout.code).toBe(0);
    expect(logout.stdout).toMatch(/^The API token is ended/);
    expect((await cli(['console', 'requests'], scripted)).stderr).toMatch(/refused the API token/);
    expect((await cli(['console', 'requests'], as.ana)).code).toBe(0);

    const plain = await cli(['console', 'agents'], {
      ...as.aud,
      BAOMI_CONSOLE: 'http://10.1.2.3:7443',
    });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/Refusing to send an API token over plain HTTP to 10\.1\.2\.3/);

    const closed = await freePort();
    const away = await cli(['console', 'agents'], {
      ...as.aud,
      BAOMI_CONSOLE: `https://127.0.0.1:${closed}`,
    });
    expect(away.code).toBe(1);
    expect(away.stderr).toMatch(
      new RegExp(
        `^baomi: Cannot reach the console at https://127\\.0\\.0\\.1:${closed} \\(nothing is listening there\\)`,
      ),
    );
    const awayZh = await cli(['console', 'agents'], {
      ...as.aud,
      BAOMI_CONSOLE: `https://127.0.0.1:${closed}`,
      LANG: 'zh_CN.UTF-8',
    });
    expect(awayZh.stderr).toMatch(/无法连接 .* 上的控制台/);

    const { BAOMI_CONSOLE_CA: _, ...noCa } = as.aud;
    const untrusted = await cli(['console', 'agents'], noCa);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(
      /presented a certificate this computer does not trust \(DEPTH_ZERO_SELF_SIGNED_CERT\); nothing was sent/,
    );
    const pinned = await cli(['console', 'agents', '--ca', other.cert], as.aud);
    expect(pinned.code).toBe(1);
    expect(pinned.stderr).toMatch(
      new RegExp(
        `presented a certificate that ${other.cert.replace(/[.]/g, '\\.')} does not vouch for`,
      ),
    );
    const pinnedZh = await cli(['console', 'agents', '--ca', other.cert], {
      ...as.aud,
      LANG: 'zh_CN.UTF-8',
    });
    expect(pinnedZh.stderr).toMatch(/出示的证书不受 .* 认可/);
    const notCert = await cli(['console', 'agents', '--ca', tls.key], as.aud);
    expect(notCert.code).toBe(2);
    expect(notCert.stderr).toMatch(/holds no certificate/);
  });

  it('names a certificate for another host, a server that is not a console, and plain HTTP where TLS was written', async () => {
    const named = selfSigned(join(dir, 'named'), 'DNS:console.invalid');
    const html = (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    };
    const servers: Server[] = [
      createHttpsServer({ cert: readFileSync(named.cert), key: readFileSync(named.key) }, html),
      createHttpsServer({ cert: readFileSync(other.cert), key: readFileSync(other.key) }, html),
      createHttpServer(html),
    ];
    const ports: number[] = [];
    for (const s of servers) {
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
      ports.push((s.address() as { port: number }).port);
    }
    try {
      const [p1, p2, p3] = ports as [number, number, number];
      const name = await cli(
        ['console', 'agents', '--console', `https://127.0.0.1:${p1}`, '--ca', named.cert],
        as.aud,
      );
      expect(name.code).toBe(1);
      expect(name.stderr).toMatch(
        /The certificate of the console at https:\/\/127\.0\.0\.1:\d+ is not for 127\.0\.0\.1; nothing was sent/,
      );
      const proxy = await cli(
        ['console', 'agents', '--console', `https://127.0.0.1:${p2}`, '--ca', other.cert],
        as.aud,
      );
      expect(proxy.code).toBe(1);
      expect(proxy.stderr).toMatch(/\(HTTP 502\) is not the console’s API/);
      // Plain HTTP is allowed to this computer (and this server is no console either).
      const loop = await cli(['console', 'agents', '--console', `http://127.0.0.1:${p3}`], as.aud);
      expect(loop.stderr).toMatch(/\(HTTP 502\) is not the console’s API/);
      const notTls = await cli(
        ['console', 'agents', '--console', `https://127.0.0.1:${p3}`],
        as.aud,
      );
      expect(notTls.code).toBe(1);
      expect(notTls.stderr).toMatch(/does not answer TLS: it serves plain HTTP there/);
    } finally {
      for (const s of servers) s.close();
    }
  });

  it('speaks Chinese with LANG=zh_CN.UTF-8, and so does the console in its refusals', async () => {
    const zh = { ...as.aud, LANG: 'zh_CN.UTF-8' };
    const table = await cli(['console', 'agents'], zh);
    expect(table.code).toBe(0);
    expect(lines(table.stdout)[0]).toMatch(
      /^ID\s+主机\s+组\s+状态\s+最近联系（.+）\s+在座用户\s+策略\s+USB\s+待同步$/,
    );
    expect(table.stdout).toMatch(/ws-fin-01\s+finance\s+在线/);
    expect(table.stdout).toMatch(/ws-hr-01\s+hr\s+已吊销/);
    const refused = await cli(['console', 'deny', requestIds[0]!, '--note', 'x'], zh);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'baomi: 控制台拒绝了请求（403）：角色 auditor 无权执行此操作；需要 admin | analyst。\n',
    );
    expect(consoleErr).not.toContain(PASSWORD);
  });

  it('what a hostile workstation sends never reaches the terminal raw: tables, CSV, decisions, revoke', async () => {
    // Run last: it adds an agent, a request and audit rows the tests above count.
    const RAW =
      /[\u0000-\u0009\u000b-\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
    const made = await cli(['console', 'enroll-token', '--group', 'lab', '--json'], as.ada);
    const token = (JSON.parse(made.stdout) as { token: string }).token;
    const evil = await SimAgent.enroll(url, token, {
      ca: readFileSync(tls.cert),
      host: 'ws\u001b[31mRED\u001b]0;title\u0007\u202eLAB',
    });
    const requestId = uuidv7();
    const pendingId = uuidv7();
    await evil.sync(
      evil.next([
        {
          type: 'usb.blocked\u001b[2J\u001b[H',
          ts: T0,
          user: 'li\u001b[31m.si',
          data: { path: '/tmp/x\u009b31m.txt' },
        },
        {
          type: 'usb.exception-requested',
          ts: T0 + 1,
          user: 'li',
          data: {
            requestId,
            device: '0781:5581:4C530009',
            deviceLabel: 'Kingston\u001b]0;pwn\u0007\u202eLABEL\u001b[2J',
            reason: 'copy\u001b[2J',
          },
        },
        {
          type: 'usb.exception-requested',
          ts: T0 + 2,
          user: 'li',
          data: { requestId: pendingId, device: '0781:5581:4C53000A', reason: 'later' },
        },
      ]),
    );
    const outputs = [
      await cli(['console', 'events', '--agent', evil.id], as.aud),
      await cli(['console', 'events', '--agent', evil.id, '--csv'], as.aud),
      await cli(['console', 'agents', '--csv'], as.aud),
      await cli(['console', 'agents'], as.aud),
      await cli(['console', 'requests', '--csv'], as.aud),
      await cli(['console', 'deny', requestId, '--note', 'no'], as.ada),
      await cli(['console', 'revoke', evil.id], as.ada),
    ];
    for (const r of outputs) {
      expect(r.code, r.stderr).toBe(0);
      // Lines end with \n (and CSV rows with \r\n); nothing else raw.
      expect(r.stdout.replace(/\r\n/g, '\n'), r.stdout).not.toMatch(RAW);
      expect(r.stderr).not.toMatch(RAW);
    }
    expect(outputs[0]!.stdout).toContain('usb.blocked\\u001b[2J');
    expect(outputs[5]!.stdout).toContain('Kingston\\u001b]0;pwn\\u0007\\u202eLABEL');
    expect(outputs[6]!.stdout).toContain('ws\\u001b[31mRED');
    // Revoked, it never syncs again: an approval for it is refused, not signed and lost.
    const late = await cli(['console', 'approve', pendingId, '--note', 'ok'], as.ada);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/\(409\): The request .* was revoked at .*Deny the request/);
    // --json keeps every string as sent.
    const json = await cli(['console', 'events', '--agent', evil.id, '--json'], as.aud);
    expect(jsonLines<{ type: string }>(json.stdout).map((e) => e.type)).toContain(
      'usb.blocked\u001b[2J\u001b[H',
    );
  });
});
