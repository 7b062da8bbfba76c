import { describe, expect, it, vi } from 'vitest';
import { matchEventType } from '../../../src/core/alerts/index.js';

describe('matchEventType', () => {
  it.each([
    ['file.*', 'file.created', true],
    ['file.*', 'file.renamed', true],
    ['file.*', 'usb.blocked', false],
    ['file.*', 'afile.created', false],
    ['file.*', 'file', false],
    ['usb.blocked', 'usb.blocked', true],
    ['usb.blocked', 'usb.blocked2', false],
    ['usb.*', 'usb.read-only', true],
    ['*', 'usb.blocked', true],
    ['*', 'agent.started', true],
    ['*.locked', 'idle.locked', true],
    ['*.locked', 'session.locked', true],
    ['*.locked', 'session.unlocked', false],
    ['sync.*-broken', 'sync.chain-broken', true],
  ])('%s vs %s → %s', (glob, type, want) => {
    expect(matchEventType(glob, type)).toBe(want);
  });

  it('treats regex characters and dots literally', () => {
    expect(matchEventType('file.created', 'fileXcreated')).toBe(false);
    expect(matchEventType('a+b', 'aab')).toBe(false);
    expect(matchEventType('a+b', 'a+b')).toBe(true);
    expect(matchEventType('(x)|y', 'y')).toBe(false);
  });

  it('is case-sensitive', () => {
    expect(matchEventType('FILE.*', 'file.created')).toBe(false);
  });
});

describe('globToRegExp', () => {
  it('lets `*` run over any character, a line break included', () => {
    expect(matchEventType('file.*', 'file.\nx')).toBe(true);
    expect(matchEventType('*', '\n')).toBe(true);
    expect(matchEventType('a*b', 'a\r\n\u2028b')).toBe(true);
  });

  it('compiles a glob once, and keeps at most 256 of them (a long-running agent reloads)', async () => {
    vi.resetModules(); // a fresh, empty cache, whatever other tests compiled
    const { globToRegExp } = await import('../../../src/core/alerts/match.js');
    const first = globToRegExp('g0');
    expect(globToRegExp('g0')).toBe(first);
    for (let i = 1; i < 256; i++) globToRegExp(`g${i}`);
    expect(globToRegExp('g0')).toBe(first); // 256 held
    globToRegExp('g256'); // the 257th empties the cache first
    const again = globToRegExp('g0');
    expect(again).not.toBe(first);
    expect(again.source).toBe(first.source);
  });
});
