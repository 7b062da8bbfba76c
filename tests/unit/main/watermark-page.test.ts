// The watermark page's arithmetic (src/renderer/watermark-page.ts): the hash as the main
// process writes it, and enough tiles to cover a window.
import { describe, expect, it } from 'vitest';
import { readHash, tileCount } from '../../../src/renderer/watermark-page.js';

describe('watermark page', () => {
  it('reads text and opacity, falling back to the default opacity out of range', () => {
    expect(readHash('#text=%E5%BC%A0%E4%B8%89+ws&opacity=0.2')).toEqual({
      text: '张三 ws',
      opacity: 0.2,
    });
    for (const o of ['1', '0', 'NaN', '', '-0.1'])
      expect(readHash(`#text=x&opacity=${o}`).opacity).toBe(0.08);
    expect(readHash('').text).toBe('');
    expect(readHash(`#text=${'a'.repeat(600)}`).text).toHaveLength(512);
  });

  it('covers a window with half of it overhanging on each side, more for a bigger one', () => {
    expect(tileCount(1920, 1080)).toBe(
      Math.ceil((1920 * 2) / 288 + 1) * Math.ceil((1080 * 2) / 144 + 1),
    );
    expect(tileCount(3840, 2160)).toBeGreaterThan(tileCount(1920, 1080));
  });
});
