// Exception tokens (src/core/exceptions/token.ts): the format, its tolerance of what email and
// chat do to text, and its strictness about everything else.
import { createHash, createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { encode as qrEncode } from 'uqr';
import { describe, expect, it } from 'vitest';
import { type BaomiError, isBaomiError } from '../../../src/core/errors.js';
import { jcs } from '../../../src/core/events/jcs.js';
import {
  compactToken,
  type ExceptionPayload,
  encodeToken,
  isDeviceId,
  isHostName,
  isoTime,
  isUserName,
  keyFingerprint,
  MAX_REASON_CHARS,
  MAX_TOKEN_CHARS,
  MAX_TOKEN_INPUT,
  MAX_WINDOW_MS,
  NOT_BEFORE_SKEW_MS,
  parseToken,
  privateKeyFingerprint,
  reasonProblem,
  SIGNATURE_DOMAIN,
  toActiveException,
  tokenFingerprint,
  type VerifyOptions,
  verifyToken,
} from '../../../src/core/exceptions/token.js';
import {
  generateKeyPair,
  signPolicy,
  verifyPolicySignature,
} from '../../../src/core/policy/signature.js';

const security = generateKeyPair();
const other = generateKeyPair();
const trusted = [{ name: 'security-2026', publicKeyPem: security.publicKeyPem }];
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const HOUR = 3_600_000;
const ID = '019ad7a0-1c2b-7d3e-8f40-123456789abc';
const HASH = 'ab'.repeat(32);

const payload = (over: Partial<ExceptionPayload> = {}): ExceptionPayload => ({
  id: ID,
  device: '0781:5581:4C530001',
  user: 'alice',
  notBefore: T0,
  notAfter: T0 + 2 * HOUR,
  reason: '审计部门拷贝账目 audit copy',
  ...over,
});
const at: VerifyOptions = { now: T0 + HOUR, host: 'ws-042' };
/**
 * The usual token, made afresh in each test that needs it: a mutant that breaks encodeToken
 * must fail tests, and Stryker's runner counts neither a file that fails to load nor a failed
 * beforeAll as a kill (nor may a token made under one mutant be reused under another).
 */
function usual() {
  const token = encodeToken(payload(), security.privateKeyPem);
  const [, payloadSeg, sigSeg] = token.split('.') as [string, string, string];
  return { token, payloadSeg, sigSeg };
}

/** A token over arbitrary payload text, signed like a real one (for payloads encodeToken refuses). */
function signRaw(json: string | Uint8Array, pem = security.privateKeyPem): string {
  const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : Buffer.from(json);
  const sig = sign(
    null,
    Buffer.concat([Buffer.from(SIGNATURE_DOMAIN), bytes]),
    createPrivateKey(pem),
  );
  return `BMX1.${bytes.toString('base64url')}.${sig.toString('base64url')}`;
}
const signPayload = (p: object) => signRaw(jcs(p));

function thrown(fn: () => unknown): BaomiError {
  try {
    fn();
  } catch (e) {
    if (isBaomiError(e)) return e;
    throw e;
  }
  throw new Error('expected a BaomiError');
}

const code = (text: string, opts: VerifyOptions = at, keys = trusted) => {
  const r = verifyToken(text, keys, opts);
  return r.ok ? 'ok' : r.code;
};

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('exception tokens', () => {
  it('round-trips: BMX1.<canonical JSON>.<Ed25519 over the domain prefix and the bytes>', () => {
    const { token, payloadSeg, sigSeg } = usual();
    expect(token).toMatch(/^BMX1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
    const bytes = Buffer.from(payloadSeg, 'base64url');
    expect(bytes.toString('utf8')).toBe(jcs(payload()));
    expect(bytes.toString('utf8')).toMatch(/^\{"device":.*,"id":.*,"notAfter":\d+,/);
    const message = Buffer.concat([Buffer.from('baomi-exception-v1\n'), bytes]);
    const sig = Buffer.from(sigSeg, 'base64url');
    expect(verify(null, message, security.publicKeyPem, sig)).toBe(true);
    expect(verify(null, bytes, security.publicKeyPem, sig)).toBe(false);

    const parsed = parseToken(token);
    expect(parsed.ok && parsed.token.payload).toEqual(payload());
    expect(parsed.ok && Buffer.from(parsed.token.payloadBytes).equals(bytes)).toBe(true);
    expect(parsed.ok && parsed.token.compact).toBe(token);
    const keys = [{ name: 'other', publicKeyPem: other.publicKeyPem }, ...trusted];
    const v = verifyToken(token, keys, at);
    expect(v.ok && v.keyName).toBe('security-2026');
    expect(v.ok && v.token.payload).toEqual(payload());
  });

  it('carries an optional host, absent when not given (never null)', () => {
    const { token, payloadSeg } = usual();
    const withHost = encodeToken(payload({ host: 'WS-042' }), security.privateKeyPem);
    const p = parseToken(withHost);
    expect(p.ok && p.token.payload.host).toBe('WS-042');
    const without = encodeToken({ ...payload(), host: undefined }, security.privateKeyPem);
    expect(without).toBe(token);
    expect(Buffer.from(payloadSeg, 'base64url').toString()).not.toMatch(/host|null/);
  });

  it('refuses one character changed anywhere, and one character removed anywhere', () => {
    const { token } = usual();
    const survivors: string[] = [];
    for (let i = 0; i < token.length; i++) {
      const c = token[i]!;
      const next = B64URL[(B64URL.indexOf(c) + 1) % B64URL.length]!;
      for (const r of new Set([next, c === 'A' ? 'B' : 'A', '.', '=', '<', ' '])) {
        if (r === c) continue;
        const changed = token.slice(0, i) + r + token.slice(i + 1);
        if (code(changed) === 'ok') survivors.push(`${i}:${c}->${r}`);
      }
      if (code(token.slice(0, i) + token.slice(i + 1)) === 'ok') survivors.push(`${i}:-`);
    }
    expect(survivors).toEqual([]);
    expect(code(`${token}A`)).toBe('EXCEPTION_MALFORMED');
    expect(code(`A${token}`)).toBe('EXCEPTION_MALFORMED');
  });

  it('refuses base64url whose unused bits are not zero (same bytes, other text)', () => {
    const { payloadSeg, sigSeg } = usual();
    // The last character of a segment whose length is not a multiple of 4 carries unused
    // bits; Node would decode a changed one to the same bytes.
    const seg = sigSeg; // 86 characters: the last carries 4 unused bits
    const last = B64URL.indexOf(seg.at(-1)!);
    const sibling = B64URL[last ^ 1]!;
    const twin = `${seg.slice(0, -1)}${sibling}`;
    expect(Buffer.from(twin, 'base64url').equals(Buffer.from(seg, 'base64url'))).toBe(true);
    expect(code(`BMX1.${payloadSeg}.${twin}`)).toBe('EXCEPTION_MALFORMED');
    const r = parseToken(`BMX1.${payloadSeg}.${twin}`);
    expect(!r.ok && r.params).toEqual({ part: 'signature' });
  });

  it('tolerates what email and chat add: line breaks, spaces, padding, <angle brackets>', () => {
    const { token, payloadSeg, sigSeg } = usual();
    const pad = (s: string) => s + '='.repeat((4 - (s.length % 4)) % 4);
    const wrapped = token.replace(/(.{60})/g, '$1\r\n');
    const variants = [
      wrapped,
      `  ${token}\n`,
      `<${token}>`,
      `< ${wrapped} >`,
      token.replace(/(.{20})/g, '$1 \t'),
      token.replace(/(.{30})/g, '$1\u00a0'),
      token.replace(/(.{30})/g, '$1\u200b'),
      token.replace(/(.{30})/g, '$1\u00ad'),
      `\ufeff${token}`,
      `BMX1.${pad(payloadSeg)}.${pad(sigSeg)}`,
      `BMX1.${pad(payloadSeg)}.${sigSeg}`,
    ];
    for (const v of variants) {
      expect(code(v), JSON.stringify(v.slice(0, 80))).toBe('ok');
      // What is forwarded and fingerprinted is the token as issued.
      const p = parseToken(v);
      expect(p.ok && p.token.compact).toBe(token);
    }
    expect(compactToken(wrapped)).toBe(token);
    expect(compactToken(`< ${wrapped} >`)).toBe(token);
    // One pair of brackets around the whole, and nothing else is taken away.
    expect(compactToken(`<${token}`)).toBe(`<${token}`);
    expect(compactToken(`${token}>`)).toBe(`${token}>`);
    expect(compactToken(`<<${token}>>`)).toBe(`<${token}>`);
    expect(compactToken(`"${token}"`)).toBe(`"${token}"`);
  });

  it('is strict otherwise: bad padding, one-sided brackets, quotes, another prefix', () => {
    const { token, payloadSeg, sigSeg } = usual();
    const padding = (4 - (payloadSeg.length % 4)) % 4;
    const wrongPad = padding === 1 ? '==' : '=';
    const bad = [
      `BMX1.${payloadSeg}${wrongPad}.${sigSeg}`,
      `BMX1.${payloadSeg}${'='.repeat(padding)}=.${sigSeg}`,
      `BMX1.${sigSeg}==.${sigSeg}`,
      `BMX1.${payloadSeg}.${sigSeg}===`,
      `BMX1.${payloadSeg}.${sigSeg}=`,
      `BMX1.${payloadSeg}.=${sigSeg}`,
      `<${token}`,
      `${token}>`,
      `<<${token}>>`,
      `"${token}"`,
      `bmx1.${payloadSeg}.${sigSeg}`,
      `BMX2.${payloadSeg}.${sigSeg}`,
      `BMX1.${payloadSeg}.${sigSeg}.`,
      `BMX1..${sigSeg}`,
      `BMX1.${payloadSeg}.`,
      `BMX1.${payloadSeg.replace(/-/g, '+').replace(/_/g, '/')}.${sigSeg.replace(/-/g, '+').replace(/_/g, '/')}`,
      '',
      'BMX1',
    ];
    for (const b of bad) expect(code(b), b.slice(0, 40)).not.toBe('ok');
    expect(code(`BMX1.${payloadSeg}.${sigSeg}=`)).toBe('EXCEPTION_MALFORMED');
    expect(code(`<${token}`)).toBe('EXCEPTION_MALFORMED');
    expect(parseToken('nonsense')).toEqual({
      ok: false,
      code: 'EXCEPTION_MALFORMED',
      params: { part: 'shape' },
    });
  });

  it('says which part is malformed', () => {
    const { payloadSeg, sigSeg } = usual();
    const part = (t: string) => {
      const r = parseToken(t);
      if (r.ok) return 'ok';
      expect(r.code).toBe('EXCEPTION_MALFORMED');
      return r.params.part;
    };
    expect(part(`BMX1.A.${sigSeg}`)).toBe('payload');
    expect(part(`BMX1.${payloadSeg}.${sigSeg.slice(0, 84)}`)).toBe('signature');
    expect(part(`BMX1.${payloadSeg}.${sigSeg}AAAA`)).toBe('signature');
    expect(part(signRaw('[1,2]'))).toBe('json');
    expect(part(signRaw('"text"'))).toBe('json');
    expect(part(signRaw('null'))).toBe('json');
    expect(part(signRaw('{"a":'))).toBe('json');
    expect(part(signRaw(Uint8Array.from([0x7b, 0xff, 0x7d])))).toBe('json');
    // Bytes that are not UTF-8 inside a string: not read as U+FFFD, refused.
    const raw = Buffer.from(jcs(payload({ reason: 'AB' })));
    raw[raw.indexOf('"AB"') + 1] = 0xff;
    expect(part(signRaw(raw))).toBe('json');
    expect(part(signRaw(`\ufeff${jcs(payload())}`))).toBe('json');
    // Canonical JSON only: one spelling per object.
    const p = payload();
    expect(part(signRaw(JSON.stringify(p)))).toBe('canonical'); // keys not sorted
    expect(part(signRaw(jcs(p).replace(',"id"', ', "id"')))).toBe('canonical');
    expect(part(signRaw(jcs(p).replace('"alice"', '"\\u0061lice"')))).toBe('canonical');
    expect(part(signRaw(jcs(p).replace('{', `{"device":"${HASH}",`)))).toBe('canonical');
    expect(part(signRaw(jcs(p).replace(String(T0), `${T0}.0`)))).toBe('canonical');
    expect(part(signRaw(`${jcs(p)}\n`))).toBe('canonical');
    // 1e999 reads as Infinity: no safe integer.
    const infinite = parseToken(signRaw(jcs(p).replace(String(T0), '1e999')));
    expect(!infinite.ok && infinite.params).toEqual({ field: 'notBefore' });
    expect(part(signPayload(p))).toBe('ok');
  });

  it('refuses a token or a paste that is too long', () => {
    const { token, sigSeg } = usual();
    const long = `BMX1.${'A'.repeat(MAX_TOKEN_CHARS)}.${sigSeg}`;
    expect(parseToken(long)).toEqual({
      ok: false,
      code: 'EXCEPTION_TOO_LONG',
      params: { length: long.length, max: MAX_TOKEN_CHARS },
    });
    const spaces = `${token}${' '.repeat(MAX_TOKEN_INPUT - token.length)}`;
    expect(code(spaces)).toBe('ok');
    expect(parseToken(`${spaces} `)).toEqual({
      ok: false,
      code: 'EXCEPTION_TOO_LONG',
      params: { length: MAX_TOKEN_INPUT + 1, max: MAX_TOKEN_INPUT },
    });
    // Exactly at the limit is fine; one more is not (a valid signature does not help).
    const fill = (n: number, user: string) => payload({ user, reason: '😀'.repeat(n) });
    const size = (n: number, user: string) => signPayload({ ...fill(n, user) }).length;
    let exact: ExceptionPayload | undefined;
    for (let n = 420; n < MAX_REASON_CHARS && !exact; n++)
      for (let u = 1; u <= 8 && !exact; u++)
        if (size(n, 'u'.repeat(u)) === MAX_TOKEN_CHARS) exact = fill(n, 'u'.repeat(u));
    if (!exact) throw new Error('no payload makes a token of exactly the limit');
    const atLimit = encodeToken(exact, security.privateKeyPem);
    expect(atLimit).toHaveLength(MAX_TOKEN_CHARS);
    expect(code(atLimit)).toBe('ok');
    const over = { ...exact, user: `${exact.user}u` };
    expect(code(signPayload(over))).toBe('EXCEPTION_TOO_LONG');
    const e = thrown(() => encodeToken(over, security.privateKeyPem));
    expect(e.code).toBe('EXCEPTION_TOO_LONG');
    // One byte more is two base64url characters more (2,106 bytes were 2,808 characters).
    expect(e.params).toEqual({ length: MAX_TOKEN_CHARS + 2, max: MAX_TOKEN_CHARS });
    expect(e.exit).toBe(2);
  });

  it('the longest token still fits one QR code', () => {
    const qr = qrEncode('x'.repeat(MAX_TOKEN_CHARS), { ecc: 'L' });
    expect(qr.version).toBeLessThanOrEqual(40);
    // 500 reason characters in Chinese fit, with a usual user and host.
    const zh = encodeToken(
      payload({ reason: '密'.repeat(MAX_REASON_CHARS), host: 'ws-042.example.com', device: HASH }),
      security.privateKeyPem,
    );
    expect(zh.length).toBeLessThanOrEqual(MAX_TOKEN_CHARS);
  });

  it('verifies against exception keys only: wrong key, no key, unreadable keys', () => {
    const { token } = usual();
    expect(code(token, at, [{ name: 'other', publicKeyPem: other.publicKeyPem }])).toBe(
      'EXCEPTION_BAD_SIGNATURE',
    );
    expect(code(token, at, [])).toBe('EXCEPTION_NO_TRUSTED_KEYS');
    const garbage = [{ name: 'junk', publicKeyPem: 'not a key' }];
    expect(code(token, at, garbage)).toBe('EXCEPTION_NO_TRUSTED_KEYS');
    expect(code(token, at, [...garbage, ...trusted])).toBe('ok');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(code(token, at, [{ name: 'ec', publicKeyPem: ecPem }])).toBe(
      'EXCEPTION_NO_TRUSTED_KEYS',
    );
    expect(verifyToken(token, [], at)).toEqual({
      ok: false,
      code: 'EXCEPTION_NO_TRUSTED_KEYS',
      params: {},
    });
  });

  it('a policy signature is no exception signature, and the reverse (domain separation)', () => {
    const { payloadSeg, sigSeg } = usual();
    const bytes = Buffer.from(payloadSeg, 'base64url');
    // A policy key signs a file's bytes: the same payload bytes signed as a policy file.
    const policySig = Buffer.from(signPolicy(bytes, security.privateKeyPem).trim(), 'base64');
    const forged = `BMX1.${payloadSeg}.${policySig.toString('base64url')}`;
    expect(code(forged)).toBe('EXCEPTION_BAD_SIGNATURE');
    // And an exception's signature does not verify as a policy signature over those bytes.
    const asPolicy = Buffer.from(sigSeg, 'base64url').toString('base64');
    expect(verifyPolicySignature(bytes, asPolicy, trusted).ok).toBe(false);
    // A token made by a policy key verifies only where that key is trusted for exceptions.
    const byPolicyKey = encodeToken(payload(), other.privateKeyPem);
    expect(code(byPolicyKey)).toBe('EXCEPTION_BAD_SIGNATURE');
  });

  it('checks the window at its edges (notBefore tolerated 5 minutes early)', () => {
    const { token } = usual();
    const p = payload();
    const when = (now: number) => code(token, { ...at, now });
    expect(when(p.notAfter - 1)).toBe('ok');
    expect(when(p.notAfter)).toBe('EXCEPTION_EXPIRED');
    expect(when(p.notBefore)).toBe('ok');
    expect(when(p.notBefore - NOT_BEFORE_SKEW_MS)).toBe('ok');
    expect(when(p.notBefore - NOT_BEFORE_SKEW_MS - 1)).toBe('EXCEPTION_NOT_YET_VALID');
    expect(verifyToken(token, trusted, { ...at, now: p.notAfter + 5 })).toEqual({
      ok: false,
      code: 'EXCEPTION_EXPIRED',
      params: { notAfter: '2026-12-01T11:00:00.000Z' },
    });
    expect(verifyToken(token, trusted, { ...at, now: 0 })).toEqual({
      ok: false,
      code: 'EXCEPTION_NOT_YET_VALID',
      params: { notBefore: '2026-12-01T09:00:00.000Z' },
    });
    expect(isoTime(T0)).toBe('2026-12-01T09:00:00.000Z');
    expect(NOT_BEFORE_SKEW_MS).toBe(300_000);
  });

  it('checks host (any case), user and device when asked', () => {
    const { token, sigSeg } = usual();
    const forHost = encodeToken(payload({ host: 'WS-042' }), security.privateKeyPem);
    expect(code(forHost, { ...at, host: 'ws-042' })).toBe('ok');
    expect(verifyToken(forHost, trusted, { ...at, host: 'ws-043' })).toEqual({
      ok: false,
      code: 'EXCEPTION_WRONG_HOST',
      params: { host: 'WS-042', thisHost: 'ws-043' },
    });
    expect(code(token, { ...at, host: 'anything' })).toBe('ok');
    expect(code(token, { ...at, user: 'alice' })).toBe('ok');
    expect(verifyToken(token, trusted, { ...at, user: 'bob' })).toEqual({
      ok: false,
      code: 'EXCEPTION_WRONG_USER',
      params: { user: 'alice', seatUser: 'bob' },
    });
    expect(code(token, { ...at, user: 'Alice' })).toBe('EXCEPTION_WRONG_USER');
    expect(code(token, { ...at, device: '0781:5581:4C530001' })).toBe('ok');
    expect(verifyToken(token, trusted, { ...at, device: '0781:5581:4C530002' })).toEqual({
      ok: false,
      code: 'EXCEPTION_WRONG_DEVICE',
      params: { device: '0781:5581:4C530001' },
    });
    // The signature is checked before anything the token says.
    const forged = `BMX1.${Buffer.from(jcs(payload({ user: 'bob' }))).toString('base64url')}.${sigSeg}`;
    expect(code(forged, { ...at, user: 'alice' })).toBe('EXCEPTION_BAD_SIGNATURE');
  });

  it('refuses hostile reasons, and shows any other text as it was written', () => {
    const hostile = [
      'copy \u001b[2J\u001b[31mAPPROVED',
      'line\nbreak',
      'carriage\rreturn',
      'tab\there',
      'nul\u0000',
      'del\u007f',
      'c1 \u009b31m',
      'override \u202egnp.exe',
      'isolate \u2066x\u2069',
      'separator\u2028x',
      'paragraph\u2029x',
      'lone \ud800 surrogate',
      '',
      '   ',
    ];
    for (const reason of hostile) {
      const e = thrown(() => encodeToken(payload({ reason }), security.privateKeyPem));
      expect(e.code, JSON.stringify(reason)).toBe('EXCEPTION_BAD_FIELD');
      expect(e.params).toEqual({ field: 'reason' });
      expect(e.exit).toBe(2);
      // Signed anyway by someone's own tool: still refused by the reader.
      const r = parseToken(signPayload({ ...payload(), reason }));
      expect(!r.ok && r.code, JSON.stringify(reason)).toBe('EXCEPTION_BAD_FIELD');
    }
    const fine = [
      '"quotes" and \\backslashes\\ </script> {{braces}} $(x) %s',
      '审计部门 2026 年报 👩‍💻 émigré',
      ' leading and trailing spaces are kept ',
      'x'.repeat(MAX_REASON_CHARS),
      '密'.repeat(MAX_REASON_CHARS),
    ];
    for (const reason of fine) {
      const t = encodeToken(payload({ reason }), security.privateKeyPem);
      const v = verifyToken(t, trusted, at);
      expect(v.ok && v.token.payload.reason).toBe(reason);
    }
    expect(reasonProblem('x'.repeat(MAX_REASON_CHARS + 1))).toEqual({
      ok: false,
      code: 'EXCEPTION_REASON_TOO_LONG',
      params: { length: MAX_REASON_CHARS + 1, max: MAX_REASON_CHARS },
    });
    expect(reasonProblem('😀'.repeat(MAX_REASON_CHARS + 1))?.code).toBe(
      'EXCEPTION_REASON_TOO_LONG',
    );
    expect(reasonProblem(42)?.code).toBe('EXCEPTION_BAD_FIELD');
    expect(reasonProblem('ok')).toBeNull();
    const long = signPayload({ ...payload(), reason: 'y'.repeat(MAX_REASON_CHARS + 1) });
    expect(code(long)).toBe('EXCEPTION_REASON_TOO_LONG');
  });

  it('holds every field to its form, in encodeToken and parseToken alike', () => {
    const field = (over: Record<string, unknown>) => {
      const p: Record<string, unknown> = { ...payload(), ...over };
      for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
      const r = parseToken(signPayload(p));
      const written = (() => {
        try {
          encodeToken(p as unknown as ExceptionPayload, security.privateKeyPem);
          return 'ok';
        } catch (e) {
          return isBaomiError(e) ? `${e.code}:${JSON.stringify(e.params)}` : String(e);
        }
      })();
      const read = r.ok ? 'ok' : `${r.code}:${JSON.stringify(r.params)}`;
      expect(written, JSON.stringify(over)).toBe(read);
      if (r.ok) return 'ok';
      return r.code === 'EXCEPTION_BAD_FIELD' ? r.params.field : r.code;
    };
    expect(field({})).toBe('ok');
    expect(field({ device: HASH })).toBe('ok');
    expect(field({ device: HASH.toUpperCase() })).toBe('device');
    expect(field({ device: `${HASH}0` })).toBe('device');
    expect(field({ device: HASH.slice(1) })).toBe('device');
    expect(field({ device: '0781:5581:' })).toBe('device');
    expect(field({ device: '0781:5581: x' })).toBe('device');
    expect(field({ device: '0781:5581:a\nb' })).toBe('device');
    expect(field({ device: '0781:5581:with:colons and spaces' })).toBe('ok');
    expect(field({ device: `0781:5581:${'s'.repeat(126)}` })).toBe('ok');
    expect(field({ device: `0781:5581:${'s'.repeat(127)}` })).toBe('device');
    expect(field({ device: '0781:558:1' })).toBe('device');
    expect(field({ device: '0781:55811:1' })).toBe('device');
    expect(field({ device: '0781-5581-1' })).toBe('device');
    expect(field({ device: 'x0781:5581:serial' })).toBe('device');
    expect(field({ device: [HASH] })).toBe('device');
    expect(field({ device: 'ABCD:5581:1' })).toBe('device');
    expect(field({ device: 42 })).toBe('device');
    expect(field({ id: ID.toUpperCase() })).toBe('id');
    expect(field({ id: '019ad7a0-1c2b-4d3e-8f40-123456789abc' })).toBe('id'); // v4
    expect(field({ id: '019ad7a0-1c2b-7d3e-cf40-123456789abc' })).toBe('id'); // variant
    expect(field({ id: `${ID}0` })).toBe('id');
    expect(field({ id: `x${ID}` })).toBe('id');
    expect(field({ id: 7 })).toBe('id');
    expect(field({ id: [ID] })).toBe('id');
    expect(field({ user: '' })).toBe('user');
    expect(field({ user: ' alice' })).toBe('user');
    expect(field({ user: 'alice ' })).toBe('user');
    expect(field({ user: 'al\u001bice' })).toBe('user');
    expect(field({ user: 'CORP\\张伟' })).toBe('ok');
    expect(field({ user: 'u'.repeat(256) })).toBe('ok');
    expect(field({ user: 'u'.repeat(257) })).toBe('user');
    expect(field({ user: ['alice'] })).toBe('user');
    expect(field({ host: 'ws-042.corp.example' })).toBe('ok');
    expect(field({ host: `a${'b'.repeat(252)}` })).toBe('ok');
    expect(field({ host: `a${'b'.repeat(253)}` })).toBe('host');
    expect(field({ host: '-ws' })).toBe('host');
    // Computer names in other scripts (a Chinese Windows machine name) are names too.
    expect(field({ host: 'ws-财务-01' })).toBe('ok');
    expect(field({ host: `财${'务'.repeat(252)}` })).toBe('ok');
    expect(field({ host: `财${'务'.repeat(253)}` })).toBe('host');
    expect(field({ host: 'ws\u202e01' })).toBe('host');
    expect(field({ host: '.ws' })).toBe('host');
    expect(field({ host: 'ws 042' })).toBe('host');
    expect(field({ host: '' })).toBe('host');
    expect(field({ host: null })).toBe('host');
    expect(field({ notBefore: -1 })).toBe('notBefore');
    expect(field({ notBefore: 0, notAfter: 1 })).toBe('ok');
    expect(field({ notBefore: T0 + 0.5 })).toBe('notBefore');
    expect(field({ notBefore: String(T0) })).toBe('notBefore');
    expect(field({ notAfter: T0 })).toBe('notAfter');
    expect(field({ notAfter: T0 - 1 })).toBe('notAfter');
    expect(field({ notAfter: 2 ** 53 })).toBe('notAfter');
    expect(field({ notAfter: T0 + MAX_WINDOW_MS })).toBe('ok');
    expect(field({ notAfter: T0 + MAX_WINDOW_MS + 1 })).toBe('EXCEPTION_WINDOW_TOO_LONG');
    const long = parseToken(signPayload({ ...payload(), notAfter: T0 + MAX_WINDOW_MS + 1 }));
    expect(!long.ok && long.params).toEqual({ days: 32, maxDays: 31 });
    expect(field({ level: 'AAA' })).toBe('level');
    expect(field({ 'bad key\u001b': 1 })).toBe('?');
    expect(field({ 'bad key': 1 })).toBe('?');
    expect(field({ [`k${'x'.repeat(39)}`]: 1 })).toBe(`k${'x'.repeat(39)}`);
    expect(field({ [`k${'x'.repeat(40)}`]: 1 })).toBe('?');
    for (const k of ['id', 'device', 'user', 'notBefore', 'notAfter', 'reason'])
      expect(field({ [k]: undefined })).toBe(k);
  });

  it('refuses a private key that is not Ed25519 PKCS#8', () => {
    const { token } = usual();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const key of ['not a key', rsaPem, rsa.privateKey, security.publicKeyPem]) {
      const e = thrown(() => encodeToken(payload(), key));
      expect(e.code).toBe('EXCEPTION_KEY_INVALID');
      expect(e.exit).toBe(2);
    }
    expect(encodeToken(payload(), createPrivateKey(security.privateKeyPem))).toBe(token);
    const publicKey = generateKeyPairSync('ed25519').publicKey;
    expect(thrown(() => encodeToken(payload(), publicKey)).code).toBe('EXCEPTION_KEY_INVALID');
  });

  it('names tokens and keys without carrying them', () => {
    const { token } = usual();
    expect(tokenFingerprint(token)).toMatch(/^[0-9a-f]{16}$/);
    expect(tokenFingerprint(token)).toBe(
      createHash('sha256').update(token).digest('hex').slice(0, 16),
    );
    const der = createPrivateKey(security.privateKeyPem);
    const spki = Buffer.from(security.publicKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const expected = createHash('sha256').update(spki).digest('hex');
    expect(keyFingerprint(security.publicKeyPem)).toBe(expected);
    expect(privateKeyFingerprint(der)).toBe(expected);
    expect(keyFingerprint(other.publicKeyPem)).not.toBe(expected);
    expect(keyFingerprint('junk')).toBeNull();
    expect(toActiveException({ ...payload(), host: 'ws-042' })).toEqual({
      id: ID,
      device: '0781:5581:4C530001',
      user: 'alice',
      notBefore: T0,
      notAfter: T0 + 2 * HOUR,
      reason: payload().reason,
    });
  });

  it('reads device ids, user and host names as the CLI checks them', () => {
    expect(isDeviceId(HASH)).toBe(true);
    expect(isDeviceId('0781:5581:4C530001')).toBe(true);
    expect(isDeviceId(undefined)).toBe(false);
    expect(isDeviceId([HASH])).toBe(false);
    expect(isUserName('alice')).toBe(true);
    expect(isUserName(null)).toBe(false);
    expect(isHostName('ws-042')).toBe(true);
    expect(isHostName(42)).toBe(false);
  });
});
