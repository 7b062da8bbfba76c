// The status window's pure parts (issue 14 §1): the devices offered for a request (the person's
// refused devices, newest first, one line each, named as the agent compares them), the form's
// own checks (the agent's rules, said before sending), where a request goes, and the state in
// the tray icon's words with a failing console's date in local time.
import { describe, expect, it } from 'vitest';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import type { StatusResult } from '../../../src/core/protocol/messages.js';
import { translator } from '../../../src/renderer/common/i18n.js';
import { deviceIdOf, refusedDevices } from '../../../src/renderer/status/devices.js';
import { protectionLines } from '../../../src/renderer/status/lines.js';
import { requestProblem, routeText } from '../../../src/renderer/status/request-check.js';
import { statusResult } from '../../helpers/status-result.js';

const HASH = 'ab'.repeat(32);
let seq = 0;
const ev = (type: string, ts: number, data: Record<string, unknown>): BaomiEvent =>
  ({ seq: ++seq, ts, type, severity: 'medium', user: 'lihua', data }) as unknown as BaomiEvent;
const stick = { vendor: '0781', product: '5567', serial: '4C53', productName: 'Cruzer Blade' };

describe('devices offered for a request', () => {
  it('names a device by its hash, else vid:pid:serial (hex lower-cased, serial as reported)', () => {
    expect(deviceIdOf({ ...stick, hash: HASH })).toBe(HASH);
    expect(deviceIdOf({ vendor: '0781', product: 'ABCD', serial: 'Xy1' })).toBe('0781:abcd:Xy1');
    // No serial, an empty one, a hostile one, a malformed hash: nothing names it alone.
    expect(deviceIdOf({ vendor: '0781', product: '5567' })).toBeNull();
    expect(deviceIdOf({ vendor: '0781', product: '5567', serial: '' })).toBeNull();
    expect(deviceIdOf({ vendor: '0781', product: '5567', serial: 'a\u202eb' })).toBeNull();
    expect(deviceIdOf({ hash: 'AB'.repeat(32) })).toBeNull();
  });

  it('keeps the newest refusal per device, newest first, only blocked and read-only, at most max', () => {
    const events = [
      ev('usb.blocked', 1000, { ...stick, hash: HASH }),
      ev('usb.allowed', 5000, { ...stick, serial: 'OK1' }),
      ev('usb.read-only', 3000, { ...stick, serial: 'RO1' }),
      ev('usb.blocked', 4000, { ...stick, hash: HASH }),
      ev('usb.blocked', 2000, { vendor: '090c', product: '1000', serial: 'S2' }),
    ];
    const out = refusedDevices(events);
    expect(out.map((d) => [d.id, d.at, d.verdict])).toEqual([
      [HASH, 4000, 'blocked'],
      ['0781:5567:RO1', 3000, 'read-only'],
      ['090c:1000:S2', 2000, 'blocked'],
    ]);
    expect(out[0]!.label).toBe('Cruzer Blade (0781:5567)');
    expect(out[2]!.label).toBe('090c:1000');
    expect(refusedDevices(events, 1)).toHaveLength(1);
  });

  it('labels a hostile product name as one clean line', () => {
    const [d] = refusedDevices([
      ev('usb.blocked', 1, { ...stick, productName: '<img src=x onerror=alert(1)>\n\u202eevil' }),
    ]);
    expect(d!.label).toBe('<img src=x onerror=alert(1)> evil (0781:5567)');
  });
});

/** The form's problem as the person reads it. */
const say = (t: ReturnType<typeof translator>, device: string, reason: string) => {
  const p = requestProblem(device, reason);
  return p ? t(p.key, p.params) : null;
};

describe('the request form', () => {
  const t = translator('en');
  it('says what is wrong before sending, in the agent’s words', () => {
    expect(say(t, '', 'need it')).toMatch(/Choose a device/);
    expect(say(t, '0781:5567', 'need it')).toMatch(/Choose a device/);
    expect(say(t, HASH, '')).toMatch(/plain text/);
    expect(say(t, HASH, 'a\u202eb')).toMatch(/plain text/);
    expect(say(t, HASH, '字'.repeat(501))).toMatch(/501.*500/);
    expect(say(t, HASH, '字'.repeat(500))).toBeNull();
    expect(say(translator('zh-CN'), '', 'x')).toMatch(/请选择/);
  });

  it('says where the request goes: the console, waiting for enrollment, or nowhere', () => {
    const sync = (s: StatusResult['sync']) => statusResult({ sync: s });
    // Status unknown (its last ask went unanswered): nothing said rather than a guess.
    expect(routeText(t, null)).toBeNull();
    expect(routeText(t, statusResult())).toMatch(/No console/);
    expect(routeText(t, sync({ console: null }))).toMatch(/No console/);
    expect(routeText(t, sync({ console: 'https://c.example', enrolled: false }))).toMatch(
      /not enrolled.*c\.example/,
    );
    expect(routeText(t, sync({ console: 'https://c.example', enrolled: true }))).toMatch(
      /console \(https:\/\/c\.example\)/,
    );
  });
});

describe('the state', () => {
  it('words why USB storage is not blocked, not its code', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const t = translator(lang);
      expect(t('USB_NOT_ENFORCING')).not.toBe('USB_NOT_ENFORCING');
      expect(t('USB_SEAL_OPEN')).not.toBe('USB_SEAL_OPEN');
    }
  });

  const status = (over: Partial<StatusResult>) =>
    statusResult({ folders: 0, watched: [], ...over });

  it('says what the tray icon says, every reason on its own line', () => {
    const t = translator('en');
    expect(protectionLines(t, null)).toEqual([
      'Baomi: the agent is not running; nothing is being enforced',
    ]);
    expect(protectionLines(t, status({}))).toEqual(['Baomi: this computer is protected']);
    expect(
      protectionLines(
        t,
        status({
          usb: { enforcing: false },
          watched: [{ path: '/srv/绝密', level: '绝密', state: 'failed' }],
        }),
      ),
    ).toEqual([
      'Baomi: a policy problem needs IT',
      'USB storage is not being blocked on this computer.',
      'A classified folder is not watched: /srv/绝密',
    ]);
  });

  it('dates a failing console in local time and groups the waiting count', () => {
    const since = new Date(2026, 11, 1, 9, 5, 0).getTime();
    const lines = protectionLines(
      translator('zh-CN'),
      status({
        sync: {
          console: 'https://c.example',
          eventsWaiting: 12345,
          lastSuccess: since,
          lastError: { code: 'SYNC_UNREACHABLE', params: {}, at: since + 1 },
        },
      }),
    );
    expect(lines).toEqual([
      '保密：12,345 条事件等待上报控制台',
      '自 2026-12-01 09:05:00 起控制台未再接收事件。',
    ]);
  });
});
