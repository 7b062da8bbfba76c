// USB notices grouped: a dock that brings ten devices at once gives one notice.
import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/core/events/types.js';
import { createCoreTranslator } from '../../../src/core/i18n/catalogs.js';
import type { Notice } from '../../../src/core/protocol/messages.js';
import {
  cleanLabel,
  deviceLabel,
  MAX_HOLD_MS,
  MAX_LABEL,
  MAX_NAMES,
  NoticeBatcher,
  QUIET_MS,
  usbNoticeText,
} from '../../../src/core/usb/notices.js';

const T0 = 1_000_000;
const blocked = (device: string, seq?: number) => ({
  kind: 'blocked' as const,
  device,
  rule: { by: 'storage-default' as const },
  ...(seq === undefined ? {} : { seq }),
});

describe('NoticeBatcher', () => {
  it('a dock with ten devices gives one notice, after the burst has been quiet', () => {
    const b = new NoticeBatcher();
    expect(b.nextDue()).toBeNull();
    for (let i = 0; i < 10; i++) b.add(blocked(`Card reader ${i}`, 100 + i), T0 + i * 100);
    const last = T0 + 900;
    expect(b.nextDue()).toBe(last + QUIET_MS);
    expect(b.due(last + QUIET_MS - 1)).toEqual([]);
    const out = b.due(last + QUIET_MS);
    expect(out).toEqual([
      {
        code: 'usb.notice.blocked',
        seq: 100,
        params: {
          count: 10,
          devices: [
            'Card reader 0',
            'Card reader 1',
            'Card reader 2',
            'Card reader 3',
            'Card reader 4',
          ],
          more: 5,
          rule: { by: 'storage-default' },
          note: null,
        },
      },
    ]);
    expect(MAX_NAMES).toBe(5);
    // Nothing is held any more; the next plug opens a new burst.
    expect(b.nextDue()).toBeNull();
    expect(b.due(last + 10 * QUIET_MS)).toEqual([]);
    b.add(blocked('Stick'), last + 20_000);
    expect(b.nextDue()).toBe(last + 20_000 + QUIET_MS);
  });

  it('a burst that never goes quiet comes out MAX_HOLD_MS after its first notice', () => {
    const b = new NoticeBatcher();
    let t = T0;
    for (; t < T0 + MAX_HOLD_MS + 3000; t += 1000) {
      b.add(blocked('flapping stick'), t);
      if (t - T0 >= MAX_HOLD_MS) break;
    }
    expect(b.nextDue()).toBe(T0 + MAX_HOLD_MS);
    const [n] = b.due(T0 + MAX_HOLD_MS);
    expect(n!.params.count).toBe(6);
    expect(n!.params.devices).toEqual([
      'flapping stick',
      'flapping stick',
      'flapping stick',
      'flapping stick',
      'flapping stick',
    ]);
  });

  it('groups by kind and by the rule that decided, in the order each group began', () => {
    const b = new NoticeBatcher();
    b.add(blocked('Reader'), T0);
    b.add(
      {
        kind: 'blocked',
        device: 'Stick A',
        rule: { by: 'rule', index: 2, note: '禁止私人U盘' },
        seq: 7,
      },
      T0 + 10,
    );
    b.add(
      { kind: 'read-only', device: 'Audit stick', rule: { by: 'rule', index: 2, note: 'x' } },
      T0 + 20,
    );
    b.add(
      {
        kind: 'blocked',
        device: 'Stick B',
        rule: { by: 'rule', index: 2, note: '禁止私人U盘' },
        seq: 8,
      },
      T0 + 30,
    );
    b.add({ kind: 'blocked', device: 'Phone', rule: { by: 'rule', index: 3 } }, T0 + 40);
    b.add({ kind: 'blocked', device: 'Locked stick', rule: { by: 'while-locked' } }, T0 + 50);
    b.add({ kind: 'blocked', device: 'Garbage', rule: { by: 'unreadable' } }, T0 + 60);
    b.add({ kind: 'blocked', device: 'Reader 2', rule: { by: 'storage-default' } }, T0 + 70);
    const out = b.flush();
    expect(out.map((n) => [n.code, n.params.rule, n.params.count, n.params.note, n.seq])).toEqual([
      ['usb.notice.blocked', { by: 'storage-default' }, 2, null, undefined],
      ['usb.notice.blocked', { by: 'rule', index: 2 }, 2, '禁止私人U盘', 7],
      ['usb.notice.readOnly', { by: 'rule', index: 2 }, 1, 'x', undefined],
      ['usb.notice.blocked', { by: 'rule', index: 3 }, 1, null, undefined],
      ['usb.notice.blocked', { by: 'while-locked' }, 1, null, undefined],
      ['usb.notice.blocked', { by: 'unreadable' }, 1, null, undefined],
    ]);
    expect(out[1]!.params.devices).toEqual(['Stick A', 'Stick B']);
    expect(out.every((n) => !('seq' in n) || typeof n.seq === 'number')).toBe(true);
    expect(b.flush()).toEqual([]);
  });

  it('an exception decision keeps its id apart', () => {
    const b = new NoticeBatcher();
    b.add({ kind: 'read-only', device: 'A', rule: { by: 'exception', id: 'e1' } }, T0);
    b.add({ kind: 'read-only', device: 'B', rule: { by: 'exception', id: 'e2' } }, T0);
    expect(b.flush().map((n) => n.params.rule)).toEqual([
      { by: 'exception', id: 'e1' },
      { by: 'exception', id: 'e2' },
    ]);
  });

  it('a clock stepping back neither shortens nor stretches the burst', () => {
    const b = new NoticeBatcher();
    b.add(blocked('a'), T0 + 1000);
    b.add(blocked('b'), T0);
    expect(b.nextDue()).toBe(T0 + 1000 + QUIET_MS);
  });
});

describe('labels from the device are safe to show', () => {
  it('one line, no bidi or zero-width tricks, bounded', () => {
    expect(cleanLabel('Evil\nSystem: enter your password')).toBe(
      'Evil System: enter your password',
    );
    expect(cleanLabel('abc\u202Etxt.exe')).toBe('abc txt.exe');
    expect(cleanLabel('\u200Bhidden\u0000\u0085x\uFEFF')).toBe('hidden x');
    expect(cleanLabel('  spaced\t\tout  ')).toBe('spaced out');
    const long = cleanLabel('海'.repeat(200));
    expect([...long]).toHaveLength(MAX_LABEL);
    expect(long.endsWith('…')).toBe(true);
    expect(cleanLabel('x'.repeat(MAX_LABEL))).toBe('x'.repeat(MAX_LABEL));
    expect(cleanLabel('😀'.repeat(MAX_LABEL + 1))).toBe(`${'😀'.repeat(MAX_LABEL - 1)}…`);
  });

  it('deviceLabel: product name, else maker, and the ids', () => {
    const ids = { vendor: '0781', product: '5581' };
    expect(deviceLabel({ ...ids, productName: 'Ultra', manufacturer: 'SanDisk' })).toBe(
      'Ultra (0781:5581)',
    );
    expect(deviceLabel({ ...ids, manufacturer: 'SanDisk' })).toBe('SanDisk (0781:5581)');
    expect(deviceLabel({ ...ids, productName: ' \n ', manufacturer: 'SanDisk' })).toBe(
      'SanDisk (0781:5581)',
    );
    expect(deviceLabel(ids)).toBe('0781:5581');
    // The batcher cleans again whatever it is handed.
    const b = new NoticeBatcher();
    b.add(blocked('a\nb'), T0);
    expect(b.flush()[0]!.params.devices).toEqual(['a b']);
  });
});

describe('usbNoticeText', () => {
  const notice = (params: Notice['params'], code = 'usb.notice.blocked'): Notice => ({
    code,
    params,
  });

  it('one device, with the rule note, in English and Chinese', () => {
    const n = notice({
      count: 1,
      devices: ['Ultra (0781:5581)'],
      more: 0,
      rule: { by: 'rule', index: 2 },
      note: '禁止私人U盘',
    });
    const en = usbNoticeText(createCoreTranslator('en'), n);
    expect(en.title).toBe('USB device blocked');
    expect(en.body.split('\n')).toEqual([
      'Ultra (0781:5581)',
      'Reason: 禁止私人U盘',
      expect.stringMatching(/temporary exception.*baomi exception redeem/),
    ]);
    const zh = usbNoticeText(createCoreTranslator('zh-CN'), n);
    expect(zh.title).toBe('USB 设备已被阻止');
    expect(zh.body).toContain('原因：禁止私人U盘');
    expect(zh.body).toContain('临时例外');
  });

  it('many devices, each reason, read-only', () => {
    const en = createCoreTranslator('en');
    const many = usbNoticeText(
      en,
      notice({
        count: 7,
        devices: ['a', 'b'],
        more: 5,
        rule: { by: 'storage-default' },
        note: null,
      }),
    );
    expect(many.title).toBe('7 USB devices blocked');
    expect(many.body.split('\n')[0]).toBe('a, b and 5 more');
    expect(many.body).toMatch(/unapproved USB storage/);
    const why = (rule: Json) =>
      usbNoticeText(en, notice({ count: 1, devices: ['d'], more: 0, rule, note: null })).body.split(
        '\n',
      )[1];
    expect(why({ by: 'rule', index: 4 })).toBe(
      'Decided by rule usb.rules[4] of the policy in force.',
    );
    expect(why({ by: 'while-locked' })).toMatch(/screen was locked/);
    expect(why({ by: 'unreadable' })).toMatch(/could not be read/);
    expect(why({ by: 'hid-kept' })).toBe('Decided by the policy in force.');
    expect(why(null)).toBe('Decided by the policy in force.');
    expect(why({ by: 'rule' })).toBe('Decided by the policy in force.');
    const blankNote = usbNoticeText(
      en,
      notice({ count: 1, devices: ['d'], more: 0, rule: { by: 'storage-default' }, note: ' \n ' }),
    );
    expect(blankNote.body).toMatch(/unapproved USB storage/);
    const ro = usbNoticeText(
      en,
      notice(
        { count: 2, devices: ['x', 'y'], more: 0, rule: { by: 'storage-default' }, note: null },
        'usb.notice.readOnly',
      ),
    );
    expect(ro.title).toBe('2 USB storage devices are read-only');
    expect(ro.body).toMatch(/read from it but not write/);
    const ro1 = usbNoticeText(
      en,
      notice({ count: 1, devices: ['x'], more: 0, rule: {}, note: null }, 'usb.notice.readOnly'),
    );
    expect(ro1.title).toBe('USB storage is read-only');
  });

  it('renders what it is sent, even malformed, without placeholders or control characters', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const t = createCoreTranslator(lang);
      for (const params of [
        {},
        { count: 'x', devices: 'y', more: -1, rule: [], note: 5 },
        {
          count: 3,
          devices: ['ok', 7, 'bad\u202Ename'],
          more: 1,
          rule: { by: 'rule' },
          note: 'line1\nline2',
        },
      ] as Notice['params'][]) {
        const { title, body } = usbNoticeText(t, notice(params));
        expect(`${title}\n${body}`).not.toMatch(/\{\{|undefined|\u202E/);
        expect(title).not.toBe('');
        expect(body).not.toMatch(/line1\nline2/);
      }
    }
  });

  it('the code alone renders through the core translator too', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const t = createCoreTranslator(lang);
      expect(t('usb.notice.blocked', { count: 3 })).toMatch(/3/);
      expect(t('usb.notice.readOnly', { count: 1 })).not.toMatch(/\{\{/);
    }
  });
});
