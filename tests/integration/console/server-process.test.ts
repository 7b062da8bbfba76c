// `baomi console` as a real process: it refuses plain HTTP on a non-loopback address, and
// with a certificate it serves /healthz and staff login over HTTPS on a free loopback port,
// then stops cleanly on SIGTERM. The account is made with `baomi console user add`, the
// password piped on stdin.
//
// The serving test needs the real datastore (dist/console/store/index.js, built from
// src/console/store/); it is skipped where that is not built yet.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../../helpers/agent.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'baomi-console-'));
const PASSWORD = 'correct horse battery staple';

function selfSigned(dir: string): { cert: string; key: string } {
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
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  return { cert, key };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function https(
  port: number,
  ca: Buffer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

let child: ChildProcess | null = null;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = null;
});

describe('baomi console (process)', () => {
  it('refuses to listen on a non-loopback address without TLS, in both languages (exit 2)', () => {
    const dir = tmp();
    for (const [env, words] of [
      [{ LANG: 'en_US.UTF-8' }, /Refusing to serve plain HTTP on 0\.0\.0\.0.*--tls-cert/],
      [{ LANG: 'zh_CN.UTF-8' }, /拒绝在非回环地址 0\.0\.0\.0 上提供明文 HTTP/],
    ] as const) {
      const r = runCli(['console', '--data-dir', dir, '--listen', '0.0.0.0:7443'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(words);
      expect(r.stdout).toBe('');
    }
    const half = runCli(['console', '--data-dir', dir, '--tls-cert', join(dir, 'cert.pem')]);
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/both --tls-cert and --tls-key/);
  });

  it('serves /healthz and staff login over HTTPS, and stops cleanly on SIGTERM', async () => {
    const dir = tmp();
    const dataDir = join(dir, 'data');
    const tls = selfSigned(dir);
    const ca = readFileSync(tls.cert);

    const add = spawnSync(
      process.execPath,
      [BIN, 'console', 'user', 'add', 'ada', '--role', 'admin', '--data-dir', dataDir],
      { input: `${PASSWORD}\n`, encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8' } },
    );
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/Staff account ada added with the role admin/);
    const short = spawnSync(
      process.execPath,
      [BIN, 'console', 'user', 'add', 'bob', '--role', 'auditor', '--data-dir', dataDir],
      { input: 'short\n', encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8' } },
    );
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/at least 12 characters/);

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
      { env: { ...process.env, LANG: 'en_US.UTF-8' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    child.stderr!.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on https:\/\/127\.0\.0\.1:(\d+) /.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(Number(m[1]));
        }
        if (child!.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`console exited: ${err}`));
        }
      }, 50);
    });
    // One start line, saying where.
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dataDir, 'exception.key'))).toBe(true);

    const health = await https(port, ca, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ ok: true, db: 'ok' });

    const bad = await https(port, ca, 'POST', '/api/v1/login', {
      name: 'ada',
      password: 'wrong one!!',
    });
    expect(bad.status).toBe(401);
    const login = await https(port, ca, 'POST', '/api/v1/login', {
      name: 'ada',
      password: PASSWORD,
    });
    expect(login.status, login.body).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/baomi_session=[A-Za-z0-9_-]{43}/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = /baomi_session=[^;]+/.exec(setCookie)![0];
    const me = await https(port, ca, 'GET', '/api/v1/me', undefined, { cookie });
    expect(JSON.parse(me.body)).toMatchObject({ name: 'ada', role: 'admin', via: 'session' });
    expect(err).not.toContain(PASSWORD);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/Baomi console stopped \(SIGTERM\)/);
  });
});
