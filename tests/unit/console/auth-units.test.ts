// The pieces under the routes: scrypt password hashes, the login throttle's arithmetic, and
// the console's exception key file.
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  passwordProblem,
  verifyDummy,
  verifyPassword,
} from '../../../src/console/auth/password.js';
import { loginWait, throttleDelay, WINDOW_MS } from '../../../src/console/auth/throttle.js';
import { loadExceptionKey } from '../../../src/console/keys.js';
import type { BaomiError } from '../../../src/core/errors.js';

describe('staff passwords', () => {
  it('are scrypt$N$r$p$salt$hash with N=2^15, salted, and verify only the same password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
    // NFC: the same characters typed on two keyboards are one password.
    const nfc = await hashPassword('café-password-1');
    expect(await verifyPassword('cafe\u0301-password-1', nfc)).toBe(true);
  });

  it('refuse malformed and out-of-bounds stored hashes instead of running them', async () => {
    const good = await hashPassword('correct horse battery');
    const [, , r, p, salt, hash] = good.split('$');
    for (const bad of [
      '',
      'plain',
      `bcrypt$32768$${r}$${p}$${salt}$${hash}`,
      `scrypt$${2 ** 24}$${r}$${p}$${salt}$${hash}`, // 16 GiB: refused, not attempted
      `scrypt$1000$${r}$${p}$${salt}$${hash}`, // not a power of two
      `scrypt$32768$99$${p}$${salt}$${hash}`,
      `scrypt$32768$${r}$${p}$${salt}$AAAA`,
    ])
      expect(await verifyPassword('correct horse battery', bad), bad).toBe(false);
    expect(await verifyDummy('anything')).toBe(false);
  });

  it('need at least 12 characters, counted as a person counts them', () => {
    expect(passwordProblem('a'.repeat(11))).toBe('short');
    expect(passwordProblem('a'.repeat(12))).toBeNull();
    expect(passwordProblem('保密保密保密保密保密保')).toBe('short'); // 11 characters, 33 bytes
    expect(passwordProblem('😀'.repeat(12))).toBeNull();
    expect(passwordProblem('a'.repeat(1025))).toBe('long');
  });
});

describe('login throttle', () => {
  it('is free for five failures, then doubles from one second up to a minute', () => {
    expect([0, 4, 5, 6, 7, 10, 11, 40].map(throttleDelay)).toEqual([
      0, 0, 1000, 2000, 4000, 32_000, 60_000, 60_000,
    ]);
  });

  it('asks the store for failures in the window and since the delay', async () => {
    const at: number[] = [];
    const fails = [0, 10, 20, 30, 40].map((x) => 1_000_000 + x);
    const store = {
      async loginFailuresSince(_name: string, since: number) {
        at.push(since);
        return fails.filter((f) => f > since).length;
      },
    };
    expect(await loginWait(store, 'ada', 1_000_040)).toBe(1000);
    expect(at).toEqual([1_000_040 - WINDOW_MS, 1_000_040 - 1000]);
    expect(await loginWait(store, 'ada', 1_001_040)).toBe(0);
    expect(await loginWait(store, 'ada', 1_000_040 + WINDOW_MS)).toBe(0);
  });
});

describe('exception key', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'baomi-console-key-'));

  it('is made at the first start (0600, Ed25519 PKCS#8) and reused after', () => {
    const d = dir();
    const first = loadExceptionKey({ dataDir: d });
    expect(first.created).toBe(true);
    expect(first.file).toBe(join(d, 'exception.key'));
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(first.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const again = loadExceptionKey({ dataDir: d });
    expect(again.created).toBe(false);
    expect(again.publicKeyPem).toBe(first.publicKeyPem);
  });

  it('refuses a key others can read, one that is not Ed25519, and a named file that is missing', () => {
    const d = dir();
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as BaomiError).code;
      }
      return 'none';
    };
    const { file } = loadExceptionKey({ dataDir: d });
    chmodSync(file, 0o644);
    expect(code(() => loadExceptionKey({ dataDir: d }))).toBe('CONSOLE_KEY_UNSAFE');
    const rsa = join(d, 'rsa.key');
    const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    writeFileSync(rsa, pem, { mode: 0o600 });
    expect(code(() => loadExceptionKey({ dataDir: d, file: rsa }))).toBe('CONSOLE_KEY_INVALID');
    const junk = join(d, 'junk.key');
    writeFileSync(junk, 'not a key', { mode: 0o600 });
    expect(code(() => loadExceptionKey({ dataDir: d, file: junk }))).toBe('CONSOLE_KEY_INVALID');
    expect(code(() => loadExceptionKey({ dataDir: d, file: join(d, 'none.key') }))).toBe(
      'CONSOLE_KEY_UNREADABLE',
    );
  });
});
