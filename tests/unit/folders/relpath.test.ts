import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  absOf,
  describePath,
  displayRel,
  relOfBytes,
  segOf,
} from '../../../src/agent/folders/relpath.js';

describe('relative path keys', () => {
  it('keeps valid UTF-8 names as plain text', () => {
    expect(segOf(Buffer.from('保密 文件\n.docx'))).toBe('保密 文件\n.docx');
    expect(absOf('/r', 'a/保密')).toBe('/r/a/保密');
    expect(describePath('/r', 'a b')).toEqual({ path: '/r/a b' });
  });

  it('round-trips invalid UTF-8 names exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        (segs) => {
          const names = segs.map((s) =>
            Buffer.from(s.map((b) => (b === 0 || b === 0x2f ? 0x41 : b))),
          );
          const rel = names.map(segOf).join('/');
          const raw = Buffer.concat([
            Buffer.from('/r/'),
            Buffer.concat(names.flatMap((n, i) => (i ? [Buffer.from('/'), n] : [n]))),
          ]);
          const abs = absOf('/r', rel);
          expect(Buffer.isBuffer(abs) ? abs : Buffer.from(abs)).toEqual(raw);
          const d = describePath('/r', rel);
          expect(d.path).toBe(raw.toString('utf8'));
          if (d.pathBytes) expect(Buffer.from(d.pathBytes, 'base64')).toEqual(raw);
          else expect(Buffer.from(d.path)).toEqual(raw);
          expect(relOfBytes(raw.subarray(3))).toBe(rel);
        },
      ),
    );
  });

  it('shows invalid bytes as U+FFFD', () => {
    const rel = segOf(Buffer.from([0x61, 0xff]));
    expect(rel.startsWith('\0')).toBe(true);
    expect(displayRel(`dir/${rel}`)).toBe('dir/a\uFFFD');
  });
});
