// Lines as they arrive over a socket (core/protocol/lines.ts): split wherever the chunks fall,
// the unfinished line kept, and a long line in many small chunks read in time linear in it.
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/core/protocol/lines.js';

describe('line splitter', () => {
  it('gives the lines a chunk completes, wherever the chunks fall', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(s.pending).toBe(4);
    expect(s.push(':2')).toEqual([]);
    expect(s.held()).toBe('{"b":2');
    expect(s.push('}\n\n{"c":3}\nrest')).toEqual(['{"b":2}', '', '{"c":3}']);
    expect(s.pending).toBe(4);
    expect(s.push('\n')).toEqual(['rest']);
    expect(s.pending).toBe(0);
    expect(s.push('')).toEqual([]);
    s.push('half');
    s.clear();
    expect(s.push('x\n')).toEqual(['x']);
  });

  it('keeps every character of a long line in tiny chunks, in linear time', () => {
    const s = new LineSplitter();
    const line = 'é'.repeat(4_000_000);
    const start = performance.now();
    for (let i = 0; i < line.length; i += 1_000)
      expect(s.push(line.slice(i, i + 1_000))).toEqual([]);
    expect(s.pending).toBe(line.length);
    const [got] = s.push('\n');
    expect(got).toBe(line);
    // Bound generous enough for a loaded machine; the quadratic way took tens of seconds here.
    expect(performance.now() - start).toBeLessThan(5_000);
  });
});
