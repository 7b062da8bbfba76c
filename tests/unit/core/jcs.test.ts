// Our JCS must produce exactly what the reference implementation produces, on any JSON the
// events can carry: the hashes of every stored chain depend on it.
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jcs } from '../../../src/core/events/jcs.js';

describe('jcs (RFC 8785)', () => {
  it('matches the canonicalize package on random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(jcs(v)).toBe(canonicalize(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches on strings with escapes, surrogates and CJK, and keys sorted by UTF-16 units', () => {
    const v = {
      é: 1,
      z: [1e21, 1e-7, -0, 0.1],
      '\u2028': '\u0000\t"\\',
      中文: '报表',
      '😀': '\ud800',
      a: null,
    };
    expect(jcs(v)).toBe(canonicalize(v));
    expect(jcs({ b: 1, a: undefined })).toBe('{"b":1}');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => jcs(Number.NaN)).toThrow();
    expect(() => jcs({ x: Number.POSITIVE_INFINITY })).toThrow();
    expect(() => jcs(() => 1)).toThrow();
  });
});
