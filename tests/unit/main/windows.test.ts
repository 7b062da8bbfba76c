// The tray's windows (issue 14 §5) against a fake electron: the log viewer opens once, with the
// secure preferences and the preload, is focused when asked again, and is gone (not hidden)
// once closed; windows not built yet are logged, never opened empty.
import { describe, expect, it } from 'vitest';
import { SECURE_WEB_PREFERENCES } from '../../../src/main/hardening.js';
import { windowOpener } from '../../../src/main/windows.js';
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

  it('logs the windows not built yet and opens nothing', () => {
    const { windows, said } = setup();
    for (const w of ['status', 'request-exception', 'redeem-token'] as const) windows.open(w);
    expect(FakeWindow.all).toHaveLength(0);
    expect(said.map((s) => s.fields)).toEqual([
      { window: 'status' },
      { window: 'request-exception' },
      { window: 'redeem-token' },
    ]);
    windows.open('pledge');
    expect(FakeWindow.all.map((w) => w.urls)).toEqual([['baomi://app/pledge.html']]);
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
