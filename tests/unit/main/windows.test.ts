// The tray's windows (issue 14 §1, §3, §5) against a fake electron: the log viewer opens once,
// with the secure preferences and the preload, is focused when asked again, and is gone (not
// hidden) once closed; the status window moves to the form a menu item names.
import { describe, expect, it } from 'vitest';
import { SECURE_WEB_PREFERENCES } from '../../../src/main/hardening.js';
import { PAGE_OF, windowOpener } from '../../../src/main/windows.js';
import { FakeWindow, fakeElectron } from '../../helpers/fake-electron.js';

function setup() {
  const fe = fakeElectron();
  const said: { msg: string; fields: unknown }[] = [];
  const log = {
    info: () => {},
    warn: (msg: string, fields: unknown) => said.push({ msg, fields }),
  };
  const windows = windowOpener(fe.module, {
    origin: 'baomi://app',
    preload: '/app/preload.cjs',
    log,
  });
  return { windows, said };
}

describe('tray windows', () => {
  it('opens the viewer sandboxed, with the preload, shown once ready', () => {
    const { windows } = setup();
    windows.open('log');
    expect(FakeWindow.all).toHaveLength(1);
    const w = FakeWindow.all[0]!;
    expect(w.urls).toEqual(['baomi://app/viewer.html']);
    expect(w.options.webPreferences).toEqual({
      ...SECURE_WEB_PREFERENCES,
      preload: '/app/preload.cjs',
    });
    expect(w.options.show).toBe(false);
    expect(w.shown).toBe(false);
    w.emit('ready-to-show');
    expect(w.shown).toBe(true);
  });

  it('focuses the open viewer instead of opening a second; "what is recorded" is the same page', () => {
    const { windows } = setup();
    windows.open('log');
    const w = FakeWindow.all[0]!;
    w.minimized = true;
    windows.open('what-is-recorded');
    windows.open('log');
    expect(FakeWindow.all).toHaveLength(1);
    expect(w.focused).toBe(2);
    expect(w.minimized).toBe(false);
    expect(windows.count).toBe(1);
  });

  it('closed means gone: the next open makes a new window', () => {
    const { windows } = setup();
    windows.open('log');
    FakeWindow.all[0]!.close();
    expect(windows.count).toBe(0);
    windows.open('log');
    expect(FakeWindow.all).toHaveLength(2);
    expect(FakeWindow.all[1]!.destroyed).toBe(false);
    windows.closeAll();
    expect(FakeWindow.all[1]!.destroyed).toBe(true);
    expect(windows.count).toBe(0);
  });

  it('opens status at its forms for the request and redeem items, one window moved between them', () => {
    const { windows } = setup();
    windows.open('request-exception');
    const w = FakeWindow.all[0]!;
    expect(w.urls).toEqual(['baomi://app/status.html#request']);
    windows.open('redeem-token');
    windows.open('status');
    windows.open('request-exception');
    expect(FakeWindow.all).toHaveLength(1);
    // An in-page move for each named part (what was typed stays); plain "status" only focuses.
    expect(w.urls).toEqual([
      'baomi://app/status.html#request',
      'baomi://app/status.html#redeem',
      'baomi://app/status.html#request',
    ]);
    expect(w.focused).toBe(3);
    expect(w.webContents.reloads).toBe(0);
    w.close();
    windows.open('status');
    expect(FakeWindow.all[1]!.urls).toEqual(['baomi://app/status.html']);
  });

  it('opens the staff view (#all) as a window of its own beside the person’s own log', () => {
    const { windows } = setup();
    windows.open('log-all');
    windows.open('what-is-recorded');
    windows.open('log-all');
    expect(FakeWindow.all.map((w) => w.urls)).toEqual([
      ['baomi://app/viewer.html#all'],
      ['baomi://app/viewer.html'],
    ]);
    expect(FakeWindow.all[0]!.focused).toBe(1);
    expect(windows.count).toBe(2);
  });

  it('every menu window has a page (none is opened empty)', () => {
    const { windows, said } = setup();
    for (const w of Object.keys(PAGE_OF) as (keyof typeof PAGE_OF)[]) windows.open(w);
    expect(said).toEqual([]);
    expect(FakeWindow.all.map((w) => w.urls[0])).toEqual([
      'baomi://app/viewer.html',
      'baomi://app/viewer.html#all',
      'baomi://app/status.html',
      'baomi://app/pledge.html',
    ]);
  });

  it('shows the pledge anew when asked again while open (a new text in force), the viewer not', () => {
    const { windows } = setup();
    windows.open('pledge');
    windows.open('log');
    const [pledge, viewer] = FakeWindow.all;
    windows.open('pledge');
    windows.open('log');
    expect(FakeWindow.all).toHaveLength(2);
    expect(pledge!.webContents.reloads).toBe(1);
    expect(pledge!.focused).toBe(1);
    expect(viewer!.webContents.reloads).toBe(0);
  });
});
