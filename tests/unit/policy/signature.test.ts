import { describe, expect, it } from 'vitest';
import { BaomiError } from '../../../src/core/errors.js';
import {
  generateKeyPair,
  publicKeyOf,
  signPolicy,
  verifyPolicySignature,
} from '../../../src/core/policy/index.js';
import { read, readText } from './helpers.js';

const bytes = new TextEncoder().encode('version: 1\nname: 测试 test\n');
const a = generateKeyPair();
const b = generateKeyPair();
const trustA = [{ name: 'it-2026', publicKeyPem: a.publicKeyPem }];

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

  it('signPolicy refuses a key that is not an Ed25519 private key', () => {
    expect(() => signPolicy(bytes, 'nope')).toThrow(BaomiError);
    expect(() => signPolicy(bytes, a.publicKeyPem)).toThrow(/POLICY_KEY_INVALID/);
  });

  it('the committed DEMO key signs what its .pub verifies', () => {
    const sig = signPolicy(read('demo.yaml'), readText('keys/DEMO-policy.key'));
    expect(sig).toBe(readText('demo.yaml.sig')); // Ed25519 is deterministic
  });
});
