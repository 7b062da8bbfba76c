import { describe, expect, it } from 'vitest';
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
