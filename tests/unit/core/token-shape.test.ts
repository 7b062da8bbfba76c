// What `baomi exception redeem` refuses without asking the agent: text that is no token at all.
// Everything BMX1-shaped goes to the agent, which alone verifies and records refusals.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeToken, MAX_TOKEN_CHARS } from '../../../src/core/exceptions/token.js';
import { tokenShape } from '../../../src/core/exceptions/token-shape.js';

const { privateKey } = generateKeyPairSync('ed25519');
const token = encodeToken(
  {
    id: '0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b',
    device: '0781:5581:4C530001',
    user: 'alice',
    notBefore: 1_780_000_000_000,
    notAfter: 1_780_007_200_000,
    reason: '审计部门拷贝账目',
  },
  privateKey,
);
const [, payload, sig] = token.split('.');

describe('tokenShape', () => {
  it('forwards a token as issued, without what email and chat added', () => {
    expect(tokenShape(token)).toEqual({ ok: true, compact: token });
    const mailed = `  <${token.replace(/(.{30})/g, '$1\r\n')}>\n`;
    expect(tokenShape(mailed)).toEqual({ ok: true, compact: token });
  });

  it('forwards a BMX1-shaped token however broken inside: the agent refuses it and records it', () => {
    for (const altered of [
      `BMX1.${payload!.slice(0, -1)}A.${sig}`, // one character of the payload changed
      `BMX1.${payload}.${sig!.slice(0, -10)}`, // the signature cut short
      `BMX1.e30.${sig}`, // {} signed by nobody
      'BMX1..', // empty parts
      `BMX1.${payload}.${sig}==`, // padding
    ])
      expect(tokenShape(altered)).toEqual({ ok: true, compact: altered });
  });

  it('refuses at once what is no token: no BMX1. prefix, or not three parts', () => {
    for (const text of [
      '',
      'hello',
      token.slice(0, 40),
      token.replace(/^BMX1/, 'BMX2'),
      token.replace(/^BMX1/, 'bmx1'),
      token.slice(5),
      `${token}.x`,
      `x${token}`,
      'BMX1',
      'BMX1.a',
    ])
      expect(tokenShape(text), text).toEqual({
        ok: false,
        code: 'EXCEPTION_MALFORMED',
        params: { part: 'shape' },
      });
  });

  it('refuses what the socket could not carry; forwards longer-than-allowed tokens it can', () => {
    const long = `BMX1.${'A'.repeat(3000)}.${sig}`;
    expect(tokenShape(long).ok).toBe(true); // over MAX_TOKEN_CHARS: the agent says so
    const huge = `BMX1.${'A'.repeat(5000)}.${sig}`;
    expect(tokenShape(huge)).toEqual({
      ok: false,
      code: 'EXCEPTION_TOO_LONG',
      params: { length: huge.length, max: MAX_TOKEN_CHARS },
    });
    const pasted = ' '.repeat(17 * 1024) + token;
    expect(tokenShape(pasted)).toEqual({
      ok: false,
      code: 'EXCEPTION_TOO_LONG',
      params: { length: pasted.length, max: MAX_TOKEN_CHARS },
    });
  });
});
