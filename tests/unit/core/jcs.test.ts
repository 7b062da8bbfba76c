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

  it('writes an undefined array element as null, as JSON.stringify does', () => {
    // Object members that are undefined are left out; array slots cannot be, or indexes shift.
    const v = [1, undefined, 'x'];
    expect(jcs(v)).toBe('[1,null,"x"]');
    expect(jcs(v)).toBe(JSON.stringify(v));
    expect(jcs({ a: [undefined] })).toBe('{"a":[null]}');
  });

  it('refuses what JSON cannot hold, saying what it met', () => {
    expect(() => jcs(Number.NaN)).toThrow(new TypeError('JCS: non-finite number'));
    expect(() => jcs({ x: Number.POSITIVE_INFINITY })).toThrow(/^JCS: non-finite number$/);
    expect(() => jcs(() => 1)).toThrow(new TypeError('JCS: cannot canonicalize a function'));
    expect(() => jcs({ n: 1n })).toThrow(new TypeError('JCS: cannot canonicalize a bigint'));
    expect(() => jcs(undefined)).toThrow(new TypeError('JCS: cannot canonicalize a undefined'));
  });
});
