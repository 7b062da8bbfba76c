import { describe, expect, it } from 'vitest';
import { newEventId } from '../../../src/agent/store/ids.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function msOf(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

describe('newEventId', () => {
  it('makes UUIDv7 ids carrying the given time, unique and in creation order', () => {
    const t = 1_800_000_000_000;
    const ids = Array.from({ length: 2000 }, (_, i) => newEventId(t + Math.floor(i / 700)));
    for (const id of ids) expect(id).toMatch(V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(msOf(ids[0]!)).toBe(t);
    expect(msOf(ids.at(-1)!)).toBe(t + 2);
  });

  it('stays ordered when the clock steps back', () => {
    const a = newEventId(1_900_000_000_000);
    const b = newEventId(1_899_999_999_000);
    expect(b > a).toBe(true);
  });
});
