// The tray's security rules (issue 14, "Security" and "Bad input"): only our page may call,
// only the named channels with arguments of the right shape; refused calls are logged and never
// reach a handler; no navigation, no new window, no webview, no permission.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hardenApp } from '../../../src/main/hardening.js';
import { type Handlers, registerIpc } from '../../../src/main/ipc.js';
import { CHANNELS, guardInvoke, isOwnPage } from '../../../src/main/ipc-guard.js';
import { stderrLog } from '../../../src/main/log.js';
import { FakeWebContents, fakeElectron } from '../../helpers/fake-electron.js';

const OWN = 'baomi://app/viewer.html#/events';

describe('renderer calls', () => {
  it('accept our page only', () => {
    expect(isOwnPage(OWN)).toBe(true);
    for (const url of [
      null,
      '',
      'file:///opt/baomi/viewer.html',
      'https://app/viewer.html',
      'baomi://app.evil/viewer.html',
      'baomi://evil@app/viewer.html',
      'baomi://application/x',
      'not a url',
    ])
      expect(isOwnPage(url), String(url)).toBe(false);
  });

  it('refuse unknown channels, foreign frames, extra arguments and wrong shapes', () => {
    expect(guardInvoke('baomi:stop-agent', OWN, [])).toMatchObject({
      ok: false,
      reason: 'unknown-channel',
    });
    expect(guardInvoke('toString', OWN, [])).toMatchObject({
      ok: false,
      reason: 'unknown-channel',
    });
    expect(guardInvoke('baomi:status', 'https://evil.example/', [])).toMatchObject({
      ok: false,
      reason: 'foreign-sender',
    });
    expect(guardInvoke('baomi:status', OWN, [1])).toMatchObject({
      ok: false,
      reason: 'bad-argument',
    });
    expect(guardInvoke('baomi:status', OWN, [undefined, 2])).toMatchObject({
      ok: false,
      reason: 'bad-argument',
    });
    for (const bad of [
      { limit: 10_001 },
      { beforeSeq: 1.5 },
      { types: 'usb.*' },
      { user: 'someone.else' }, // the agent decides whose events; the page cannot ask
      { since: -1 },
      { order: 'random' },
      { text: 'x'.repeat(257) },
    ])
      expect(guardInvoke('baomi:events', OWN, [bad]), JSON.stringify(bad)).toMatchObject({
        ok: false,
        reason: 'bad-argument',
      });
    expect(
      guardInvoke('baomi:exception-request', OWN, [{ device: 'x', reason: '' }]),
    ).toMatchObject({
      ok: false,
    });
    expect(guardInvoke('baomi:language', OWN, ['fr'])).toMatchObject({ ok: false });
  });

  it('pass a well-formed call with its parsed argument', () => {
    expect(
      guardInvoke('baomi:events', OWN, [
        { types: ['usb.*'], limit: 10_000, order: 'desc', beforeSeq: 5_000 },
      ]),
    ).toEqual({
      ok: true,
      channel: 'baomi:events',
      arg: { types: ['usb.*'], limit: 10_000, order: 'desc', beforeSeq: 5_000 },
    });
    expect(guardInvoke('baomi:status', OWN, [])).toMatchObject({ ok: true });
  });

  it('are registered one per channel, refused ones logged and never handled', async () => {
    const fe = fakeElectron();
    const called: string[] = [];
    const logged: string[] = [];
    const handlers = Object.fromEntries(
      Object.keys(CHANNELS).map((c) => [
        c,
        async (arg: unknown) => {
          called.push(c);
          return { echo: arg };
        },
      ]),
    ) as unknown as Handlers;
    const off = registerIpc(
      fe.module,
      handlers,
      stderrLog((l) => logged.push(l)),
    );
    expect([...fe.ipcHandlers.keys()].sort()).toEqual(Object.keys(CHANNELS).sort());
    const events = fe.ipcHandlers.get('baomi:events')!;
    await expect(events({ senderFrame: { url: OWN } }, { limit: 10 })).resolves.toEqual({
      echo: { limit: 10 },
    });
    await expect(events({ senderFrame: { url: 'https://evil/' } }, {})).rejects.toThrow(
      'REFUSED:foreign-sender',
    );
    await expect(events({ senderFrame: null }, {})).rejects.toThrow('REFUSED:foreign-sender');
    await expect(events({ senderFrame: { url: OWN } }, { limit: 'all' })).rejects.toThrow(
      'REFUSED:bad-argument',
    );
    expect(called).toEqual(['baomi:events']);
    expect(logged).toHaveLength(3);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 'warn', reason: 'foreign-sender' });
    off();
    expect(fe.ipcHandlers.size).toBe(0);
  });

  it('the preload exposes exactly the guarded channels', () => {
    const preload = readFileSync(
      new URL('../../../src/preload/preload.ts', import.meta.url),
      'utf8',
    );
    const used = [...preload.matchAll(/invoke\('([^']+)'/g)].map((m) => m[1]).sort();
    expect(used).toEqual(Object.keys(CHANNELS).sort());
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});

describe('windows', () => {
  it('cannot navigate, open windows, attach webviews or get permissions', () => {
    const fe = fakeElectron();
    const logged: string[] = [];
    hardenApp(
      fe.module,
      stderrLog((l) => logged.push(l)),
    );
    const wc = new FakeWebContents();
    fe.app.emit('web-contents-created', {}, wc);
    expect(wc.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.fire('will-redirect', 'https://evil.example/')).toBe(true);
    const frame = {
      url: 'https://evil.example/',
      prevented: false,
      preventDefault() {
        frame.prevented = true;
      },
    };
    wc.emit('will-frame-navigate', frame);
    expect(frame.prevented).toBe(true);
    expect(wc.fire('will-attach-webview')).toBe(true);
    expect(wc.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read'])
      expect(fe.permissionRequest(p)).toBe(false);
    expect(fe.permissionCheck()).toBe(false);
    expect(logged.length).toBeGreaterThanOrEqual(8);
  });
});
