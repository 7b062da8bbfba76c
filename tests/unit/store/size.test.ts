import { describe, expect, it } from 'vitest';
import { parseSize } from '../../../src/agent/store/size.js';
import { isBaomiError } from '../../../src/core/errors.js';

describe('parseSize', () => {
  it('reads the policy examples in binary units', () => {
    expect(parseSize('2GB')).toBe(2 * 1024 ** 3);
    expect(parseSize('500MB')).toBe(500 * 1024 ** 2);
    expect(parseSize('64kb')).toBe(65536);
    expect(parseSize('10 B')).toBe(10);
  });

  it.each(['', 'GB', '2', '2 XB', '-1MB', '1.5GB', '0MB', '99999999999TB'])(
    'refuses %j with STORE_BAD_SIZE',
    (s) => {
      let err: unknown;
      try {
        parseSize(s);
      } catch (e) {
        err = e;
      }
      expect(isBaomiError(err) && err.code).toBe('STORE_BAD_SIZE');
      expect(isBaomiError(err) && err.exit).toBe(2);
    },
  );
});
