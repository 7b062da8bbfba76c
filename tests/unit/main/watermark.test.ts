// The watermark's text and overlay plan, and the tray tooltip's length (issue 14): pure parts.
import { describe, expect, it } from 'vitest';
import { tooltip } from '../../../src/main/tray-state.js';
import { planOverlays, watermarkText } from '../../../src/main/watermark.js';

const at = Date.UTC(2026, 11, 31, 17, 5); // 2027-01-01 01:05 in Shanghai

describe('watermark text', () => {
  it('fills user, host, date and time in the given zone', () => {
    const f = { user: 'li.si', host: 'ws-7', now: at, timeZone: 'Asia/Shanghai' };
    expect(watermarkText('{user} {host} {date} {time}', f)).toBe('li.si ws-7 2027-01-01 01:05');
    expect(watermarkText('{date}', { ...f, timeZone: 'UTC' })).toBe('2026-12-31');
  });

  it('drops control and format characters a user or host name could hold', () => {
    const f = { user: 'a\u202Eb\nc', host: 'h\u0000', now: at, timeZone: 'UTC' };
    expect(watermarkText('{user}@{host}', f)).toBe('abc@h');
  });
});

describe('overlay plan', () => {
  const a = { id: 1, bounds: { x: 0, y: 0, width: 100, height: 100 } };
  const b = { id: 2, bounds: { x: 100, y: 0, width: 100, height: 100 } };
  const on = { enabled: true, text: '{user}', opacity: 0.1 };

  it('opens one per display, moves changed ones, closes the gone', () => {
    expect(planOverlays(new Map(), [a, b], on)).toEqual({ open: [a, b], move: [], close: [] });
    const open = new Map([
      [1, { x: 0, y: 0, width: 50, height: 100 }],
      [3, { x: 0, y: 0, width: 1, height: 1 }],
    ]);
    expect(planOverlays(open, [a, b], on)).toEqual({ open: [b], move: [a], close: [3] });
    expect(planOverlays(new Map([[1, a.bounds]]), [a], on)).toEqual({
      open: [],
      move: [],
      close: [],
    });
  });

  it('closes all when the watermark is off or the policy has none', () => {
    const open = new Map([[1, a.bounds]]);
    for (const p of [null, undefined, { ...on, enabled: false }])
      expect(planOverlays(open, [a], p)).toEqual({ open: [], move: [], close: [1] });
  });
});

describe('tooltip', () => {
  it('keeps the title and first reason, cut at 127 characters', () => {
    expect(tooltip(['t', 'r1', 'r2'])).toBe('t\nr1');
    const long = tooltip(['title', '文'.repeat(200)]);
    expect([...long]).toHaveLength(127);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('tray icons', () => {
  it('exist for every state, as 32x32 PNGs (index.ts loads native/tray/<state>.png)', async () => {
    const { readFileSync } = await import('node:fs');
    for (const state of ['protected', 'policy-problem', 'sync-waiting', 'agent-down']) {
      const png = readFileSync(new URL(`../../../native/tray/${state}.png`, import.meta.url));
      expect(png.subarray(0, 8).toString('hex'), state).toBe('89504e470d0a1a0a');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], state).toEqual([32, 32]);
    }
  });
});
