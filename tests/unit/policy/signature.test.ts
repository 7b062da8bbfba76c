import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BaomiError, isBaomiError } from '../../../src/core/errors.js';
import {
  generateKeyPair,
  publicKeyOf,
  readPublicKey,
  signPolicy,
  verifyPolicySignature,
} from '../../../src/core/policy/index.js';
import { read, readText } from './helpers.js';

const bytes = new TextEncoder().encode('version: 1\nname: 测试 test\n');
const a = generateKeyPair();
const b = generateKeyPair();
const trustA = [{ name: 'it-2026', publicKeyPem: a.publicKeyPem }];
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPublicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecPrivatePem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The BaomiError `fn` throws (fails the test when it throws nothing or something else). */
function thrown(fn: () => unknown): BaomiError {
  try {
    fn();
  } catch (e) {
    if (isBaomiError(e)) return e;
    throw e;
  }
  throw new Error('expected a BaomiError');
}

describe('policy signatures', () => {
  it('generates PKCS#8 / SPKI PEM Ed25519 pairs', () => {
    expect(a.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(a.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(publicKeyOf(a.privateKeyPem)).toBe(a.publicKeyPem);
    expect(a.publicKeyPem).not.toBe(b.publicKeyPem);
  });

  it('sign → verify names the key that signed', () => {
    const sig = signPolicy(bytes, a.privateKeyPem);
    expect(sig).toMatch(/^[A-Za-z0-9+/]{86}==\n$/);
    expect(Buffer.from(sig, 'base64')).toHaveLength(64);
    const trust = [{ name: 'other', publicKeyPem: b.publicKeyPem }, ...trustA];
    expect(verifyPolicySignature(bytes, sig, trust)).toEqual({ ok: true, keyName: 'it-2026' });
  });

  it('tolerates whitespace around the base64 and accepts the .sig as bytes', () => {
    const sig = signPolicy(bytes, a.privateKeyPem).trim();
    for (const text of [`  ${sig}\r\n\r\n`, `\n${sig}`, sig]) {
      expect(verifyPolicySignature(bytes, text, trustA).ok).toBe(true);
    }
    expect(verifyPolicySignature(bytes, new TextEncoder().encode(`${sig}\n`), trustA).ok).toBe(
      true,
    );
  });

  it('refuses one changed byte, a BOM added, or CRLF conversion', () => {
    const sig = signPolicy(bytes, a.privateKeyPem);
    const flipped = Uint8Array.from(bytes);
    flipped[0] = flipped[0]! ^ 1;
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    const crlf = new TextEncoder().encode(new TextDecoder().decode(bytes).replace(/\n/g, '\r\n'));
    for (const changed of [flipped, withBom, crlf]) {
      expect(verifyPolicySignature(changed, sig, trustA)).toMatchObject({
        ok: false,
        code: 'POLICY_SIG_UNTRUSTED',
      });
    }
  });

  it('refuses a signature by a key that is not trusted', () => {
    const sig = signPolicy(bytes, b.privateKeyPem);
    expect(verifyPolicySignature(bytes, sig, trustA)).toMatchObject({
      ok: false,
      code: 'POLICY_SIG_UNTRUSTED',
    });
  });

  it('judges a .sig given as bytes exactly as the same file read as UTF-8 text (the agent)', () => {
    const sig = signPolicy(bytes, a.privateKeyPem).trim();
    const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');
    // A BOM (Notepad) is trimmed like other whitespace; a stray byte that is not UTF-8 is not.
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(`${sig}\r\n`)]);
    const strayByte = new Uint8Array([...Buffer.from(sig), 0xa0]);
    expect(verifyPolicySignature(bytes, withBom, trustA)).toEqual({ ok: true, keyName: 'it-2026' });
    expect(verifyPolicySignature(bytes, utf8(withBom), trustA).ok).toBe(true);
    for (const text of [strayByte, utf8(strayByte)]) {
      expect(verifyPolicySignature(bytes, text, trustA)).toEqual({
        ok: false,
        code: 'POLICY_SIG_MALFORMED',
        badKeys: [],
      });
    }
  });

  it('refuses anything before or after the base64 instead of skipping it', () => {
    // Node's base64 decoder skips characters outside the alphabet: only the pattern stops them.
    const sig = signPolicy(bytes, a.privateKeyPem).trim();
    expect(Buffer.from(`$$${sig}`, 'base64')).toHaveLength(64);
    for (const text of [`$$${sig}`, `${sig}$$`, `sig: ${sig}`, `${sig}.`]) {
      expect(verifyPolicySignature(bytes, text, trustA)).toEqual({
        ok: false,
        code: 'POLICY_SIG_MALFORMED',
        badKeys: [],
      });
    }
  });

  it('a missing or blank .sig is refused as missing, never passed (null, undefined, blank)', () => {
    for (const none of [null, undefined, '', ' \r\n', new Uint8Array(), new Uint8Array([10])]) {
      expect(verifyPolicySignature(bytes, none, trustA)).toEqual({
        ok: false,
        code: 'POLICY_SIG_MISSING',
        badKeys: [],
      });
    }
  });

  it('distinguishes missing, malformed and no-trusted-key', () => {
    const sig = signPolicy(bytes, a.privateKeyPem);
    expect(verifyPolicySignature(bytes, null, trustA)).toMatchObject({
      code: 'POLICY_SIG_MISSING',
    });
    expect(verifyPolicySignature(bytes, ' \n', trustA)).toMatchObject({
      code: 'POLICY_SIG_MISSING',
    });
    for (const bad of [
      'not base64!',
      sig.trim().slice(4),
      `${sig.trim()}AAAA`,
      sig.trim().replace(/==$/, ''),
    ]) {
      expect(verifyPolicySignature(bytes, bad, trustA)).toMatchObject({
        code: 'POLICY_SIG_MALFORMED',
      });
    }
    expect(verifyPolicySignature(bytes, sig, [])).toMatchObject({
      code: 'POLICY_SIG_NO_TRUSTED_KEYS',
    });
  });

  it('skips trusted entries that are not Ed25519 public keys, and reports them', () => {
    const sig = signPolicy(bytes, a.privateKeyPem);
    const trust = [{ name: 'garbage', publicKeyPem: 'not a key' }, ...trustA];
    expect(verifyPolicySignature(bytes, sig, trust)).toEqual({ ok: true, keyName: 'it-2026' });
    expect(verifyPolicySignature(bytes, sig, trust.slice(0, 1))).toEqual({
      ok: false,
      code: 'POLICY_SIG_NO_TRUSTED_KEYS',
      badKeys: ['garbage'],
    });
  });

  it('reports a trusted key of another algorithm as bad, and never verifies with it', () => {
    const sig = signPolicy(bytes, a.privateKeyPem);
    const trust = [{ name: 'ecdsa', publicKeyPem: ecPublicPem }, ...trustA];
    expect(verifyPolicySignature(bytes, sig, trust)).toEqual({ ok: true, keyName: 'it-2026' });
    expect(verifyPolicySignature(bytes, sig, trust.slice(0, 1))).toEqual({
      ok: false,
      code: 'POLICY_SIG_NO_TRUSTED_KEYS',
      badKeys: ['ecdsa'],
    });
  });

  it('readPublicKey: an Ed25519 public key, or null for anything else', () => {
    expect(readPublicKey(a.publicKeyPem)?.asymmetricKeyType).toBe('ed25519');
    expect(readPublicKey('not a key')).toBeNull();
    expect(readPublicKey(ecPublicPem)).toBeNull();
  });

  it('signPolicy refuses a key that is not an Ed25519 private key', () => {
    expect(() => signPolicy(bytes, 'nope')).toThrow(BaomiError);
    expect(() => signPolicy(bytes, a.publicKeyPem)).toThrow(/POLICY_KEY_INVALID/);
    const unreadable = thrown(() => signPolicy(bytes, 'nope'));
    expect([unreadable.code, unreadable.params, unreadable.exit]).toEqual([
      'POLICY_KEY_INVALID',
      { kind: 'private' },
      2,
    ]);
    // An ECDSA key would sign, but not with the algorithm every agent verifies.
    const wrongType = thrown(() => signPolicy(bytes, ecPrivatePem));
    expect([wrongType.code, wrongType.params, wrongType.exit]).toEqual([
      'POLICY_KEY_INVALID',
      { kind: 'private', type: 'ec' },
      2,
    ]);
  });

  it('the committed DEMO key signs what its .pub verifies', () => {
    const sig = signPolicy(read('demo.yaml'), readText('keys/DEMO-policy.key'));
    expect(sig).toBe(readText('demo.yaml.sig')); // Ed25519 is deterministic
  });
});
