// What the CLI prints for text from outside (printable, jsonLine) and how `baomi events` words
// USB events, in both languages.
import { describe, expect, it } from 'vitest';
import { detailOf, formatTable } from '../../../src/cli/format.js';
import { cliTranslator } from '../../../src/cli/i18n.js';
import { jsonLine, printable } from '../../../src/cli/printable.js';
import { formatTime } from '../../../src/cli/time.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';

const ev = (type: string, data: BaomiEvent['data'], over: Partial<BaomiEvent> = {}): BaomiEvent =>
  ({
    id: '0190',
    seq: 1,
    ts: 0,
    type,
    severity: 'info',
    host: 'h',
    data,
    prevHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
    ...over,
  }) as BaomiEvent;

const RAW = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const stick = {
  device: '2-1',
  bus: 'usb',
  vendor: '46f4',
  product: '0001',
  serial: 'S-1',
  manufacturer: 'QEMU',
  productName: 'QEMU USB HARDDRIVE',
  deviceClass: '00',
  interfaces: [],
};

describe('printable', () => {
  it('escapes C0, DEL, C1, line separators and every bidi control; leaves the rest', () => {
    expect(printable('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(printable('\u001b[31mred\u0000\u007f\u0085\u009b')).toBe(
      '\\u001b[31mred\\u0000\\u007f\\u0085\\u009b',
    );
    expect(printable('\u202e\u202a\u2066\u2069\u200e\u200f\u061c\u2028\u2029')).toBe(
      '\\u202e\\u202a\\u2066\\u2069\\u200e\\u200f\\u061c\\u2028\\u2029',
    );
    // Chinese, emoji, a Windows path: as they are.
    expect(printable('财务部 U盘 😀 D:\\Finance')).toBe('财务部 U盘 😀 D:\\Finance');
    for (let cp = 0; cp < 0x3000; cp++) expect(printable(String.fromCharCode(cp))).not.toMatch(RAW);
  });

  it('jsonLine parses back to the same value and leaves nothing raw for a terminal', () => {
    const value = { s: 'x\u001b\u0085\u009b\u202e\u2028\u2066y\n"\\', n: 1, a: ['\u200f'] };
    const line = jsonLine(value);
    expect(line).not.toMatch(RAW);
    expect(JSON.parse(line)).toEqual(value);
    expect(line).toContain('\\u202e');
  });
});

describe('events detail for usb.*', () => {
  const en = cliTranslator('en');
  const zh = cliTranslator('zh-CN');
  const blocked = ev('usb.blocked', {
    ...stick,
    verdict: 'block',
    rule: { by: 'storage-default' },
    enforced: true,
  });

  it('a verdict: the device, then the rule that decided (a rule and its note, usb.storage, an exception)', () => {
    expect(detailOf(blocked, 'en', en)).toBe(
      '46f4:0001 "QEMU USB HARDDRIVE" serial S-1 — usb.storage (no rule matched)',
    );
    expect(detailOf(blocked, 'zh-CN', zh)).toBe(
      '46f4:0001 "QEMU USB HARDDRIVE" 序列号 S-1 — usb.storage（无规则命中）',
    );
    const allowed = ev('usb.allowed', {
      ...stick,
      verdict: 'allow',
      rule: { by: 'rule', index: 2, note: '财务部' },
      enforced: true,
    });
    expect(detailOf(allowed, 'en', en)).toBe(
      '46f4:0001 "QEMU USB HARDDRIVE" serial S-1 — usb.rules[2] (财务部)',
    );
    const exc = ev('usb.allowed', {
      ...stick,
      verdict: 'allow',
      rule: { by: 'exception', id: '0199d7a0' },
      enforced: true,
    });
    expect(detailOf(exc, 'en', en)).toMatch(/— exception 0199d7a0$/);
    expect(detailOf(exc, 'zh-CN', zh)).toMatch(/— 临时例外 0199d7a0$/);
    const ro = ev('usb.read-only', {
      ...stick,
      verdict: 'read-only',
      rule: { by: 'rule', index: 0 },
      enforced: true,
    });
    expect(detailOf(ro, 'en', en)).toMatch(/— usb\.rules\[0\]$/);
  });

  it('says visibly when nothing was enforced, and what the OS holds when it differs', () => {
    const notEnforced = ev('usb.blocked', { ...blocked.data, enforced: false });
    expect(detailOf(notEnforced, 'en', en)).toMatch(
      /— usb\.storage \(no rule matched\) \[enforced: false: decided and recorded, nothing blocked\]$/,
    );
    expect(detailOf(notEnforced, 'zh-CN', zh)).toMatch(/\[未执行管控（enforced: false）/);
    const audit = ev('usb.allowed', {
      ...stick,
      verdict: 'audit',
      rule: { by: 'storage-default' },
      enforced: true,
    });
    expect(detailOf(audit, 'en', en)).toMatch(/\[audit: allowed and recorded\]$/);
    const failed = ev('usb.blocked', {
      ...stick,
      verdict: 'allow',
      applied: 'block',
      rule: { by: 'rule', index: 0 },
      enforced: true,
      error: 'EACCES\nx',
    });
    expect(detailOf(failed, 'en', en)).toMatch(
      /usb\.rules\[0\] \[policy: allow; held as block\] \(EACCES\\nx\)$/,
    );
    const gone = ev('usb.blocked', { ...blocked.data, gone: true, readOnlyFellBack: true });
    expect(detailOf(gone, 'zh-CN', zh)).toMatch(
      /\[此处无法保证只读：改为拦截\] \[判定过程中已拔出\]$/,
    );
    const composite = ev('usb.allowed', {
      ...stick,
      verdict: 'allow',
      rule: { by: 'hid-kept' },
      enforced: true,
      interfaceVerdicts: [
        { number: 0, verdict: 'allow', rule: { by: 'hid-kept' } },
        { number: 1, verdict: 'block', rule: { by: 'storage-default' } },
      ],
    });
    expect(detailOf(composite, 'en', en)).toMatch(/\[interfaces: 0 allow, 1 block\]$/);
    // In Chinese the verdicts are words too; an unknown one is shown as it is, escaped.
    expect(detailOf(composite, 'zh-CN', zh)).toMatch(/\[接口：0 允许, 1 阻止\]$/);
    expect(detailOf(failed, 'zh-CN', zh)).toMatch(/\[策略：允许；实际：阻止\] \(EACCES\\nx\)$/);
    const odd = ev('usb.blocked', { ...failed.data, verdict: 'read-only', applied: 'x\u001b' });
    expect(detailOf(odd, 'zh-CN', zh)).toMatch(/\[策略：只读；实际：x\\u001b\]/);
  });

  it('connected and removed name the device; connected says when it was there at start', () => {
    expect(detailOf(ev('usb.connected', { ...stick, atStart: true }), 'en', en)).toBe(
      '46f4:0001 "QEMU USB HARDDRIVE" serial S-1 [present at start]',
    );
    expect(detailOf(ev('usb.connected', { ...stick, atStart: true }), 'zh-CN', zh)).toBe(
      '46f4:0001 "QEMU USB HARDDRIVE" 序列号 S-1 [启动时已插入]',
    );
    const removed = ev('usb.removed', { device: '2-1', vendor: '46f4', product: '0001' });
    expect(detailOf(removed, 'en', en)).toBe('46f4:0001');
  });

  it('enforcement lost: the hubs found open, and whether they were sealed again', () => {
    const resealed = ev('usb.enforcement-lost', {
      open: ['usb1', 'usb2'],
      resealed: true,
      why: 'check',
    });
    expect(detailOf(resealed, 'en', en)).toBe(
      'USB ports found open: usb1, usb2 (found by the seal check); sealed again',
    );
    expect(detailOf(resealed, 'zh-CN', zh)).toBe(
      'USB 端口被发现处于开放状态：usb1, usb2（封闭检查时发现）；已重新封闭',
    );
    const stuck = ev('usb.enforcement-lost', {
      open: ['domain0'],
      resealed: false,
      stillOpen: ['domain0'],
      reason: 'USB_SEAL_OPEN',
      why: 'start',
    });
    expect(detailOf(stuck, 'en', en)).toMatch(
      /^USB ports found open: domain0 \(at start\); still open: domain0: a USB controller reads open/,
    );
    const dock = ev('usb.enforcement-lost', {
      open: ['usb2'],
      resealed: true,
      why: 'new-controller',
    });
    expect(detailOf(dock, 'zh-CN', zh)).toContain('新 USB 控制器出现时发现');
    const whileStopped = ev('usb.enforcement-lost', {
      open: ['usb1', 'usbcore.authorized_default'],
      resealed: true,
      why: 'while-stopped',
      sealedAt: 0,
    });
    expect(detailOf(whileStopped, 'en', en)).toBe(
      'USB ports found open: usb1, usbcore.authorized_default (found at start: opened while the agent was stopped); sealed again',
    );
    expect(detailOf(whileStopped, 'zh-CN', zh)).toContain('代理停止期间被打开');
  });

  it('enforcement lost for one device: named, what policy wants, what the system holds, why', () => {
    const lost = ev('usb.enforcement-lost', {
      ...stick,
      open: ['2-1'],
      resealed: false,
      why: 'device',
      verdict: 'block',
      applied: 'allow',
      reason: 'writing 0 to authorized failed (EACCES)',
      rule: { by: 'storage-default' },
      because: 'present',
    });
    expect(detailOf(lost, 'en', en)).toBe(
      'NOT HELD: 46f4:0001 "QEMU USB HARDDRIVE" serial S-1: policy block, the system still holds it allow (writing 0 to authorized failed (EACCES)); tried again every minute',
    );
    const zhText = detailOf(lost, 'zh-CN', zh);
    expect(zhText).toMatch(/^未能管控：46f4:0001/);
    expect(zhText).toContain('每分钟重试');
  });

  it('an exception that ended: which, for what and whom, and when its window closed', () => {
    const ended = ev('usb.exception-ended', {
      id: '019ad7a0-1c2b',
      device: '0781:5581:4C530001',
      user: 'alice',
      notBefore: 0,
      notAfter: Date.UTC(2026, 11, 1, 11, 0, 0),
      redeemedAt: 0,
    });
    // In local time with its offset, as the table's own time column.
    expect(detailOf(ended, 'en', en)).toBe(
      `exception 019ad7a0-1c2b for 0781:5581:4C530001 (alice) ended: its window closed at ${formatTime(Date.UTC(2026, 11, 1, 11, 0, 0))}`,
    );
    expect(detailOf(ended, 'zh-CN', zh)).toContain('已结束');
  });

  it('a granted exception: which, for what and whom, its window and its reason (not the reason alone)', () => {
    const from = Date.UTC(2026, 11, 1, 9, 0, 0);
    const until = Date.UTC(2026, 11, 1, 11, 0, 0);
    const granted = ev('usb.exception', {
      id: '019ad7a0-1c2b',
      device: '0781:5581:4C530001',
      user: 'alice',
      notBefore: from,
      notAfter: until,
      reason: 'audit copy\u001b[2J for the tax office',
      key: 'sec',
    });
    expect(detailOf(granted, 'en', en)).toBe(
      `exception 019ad7a0-1c2b allows 0781:5581:4C530001 for alice from ${formatTime(from)} until ${formatTime(until)}, because: audit copy\\u001b[2J for the tax office`,
    );
    // With --utc, as the table's own times.
    expect(detailOf(granted, 'en', en, true)).toContain(
      'from 2026-12-01 09:00:00Z until 2026-12-01 11:00:00Z',
    );
    const zhText = detailOf(granted, 'zh-CN', zh);
    expect(zhText).toMatch(/^例外 019ad7a0-1c2b 允许 alice 使用 0781:5581:4C530001/);
    expect(zhText).toContain('理由：audit copy');
  });

  it('a refused exception: its code and why, in the reader language', () => {
    const refused = ev('usb.exception-refused', {
      code: 'EXCEPTION_ALREADY_REDEEMED',
      params: { id: '0199d7a0' },
    });
    const text = detailOf(refused, 'en', en);
    expect(text).toMatch(/^EXCEPTION_ALREADY_REDEEMED: /);
    expect(text.length).toBeGreaterThan('EXCEPTION_ALREADY_REDEEMED: '.length + 10);
    const zhText = detailOf(refused, 'zh-CN', zh);
    expect(zhText).toMatch(/^EXCEPTION_ALREADY_REDEEMED: /);
    expect(zhText).not.toBe(text);
  });

  it('nothing a device says reaches the terminal raw, in the detail or the user column', () => {
    const evil = ev(
      'usb.blocked',
      {
        ...stick,
        serial: 'a\u001b[2Jb\nc\u202ed',
        productName: 'p\u009b31m',
        verdict: 'block',
        rule: { by: 'rule', index: 0, note: 'n\u2066o\u0007te' },
        enforced: true,
      },
      { user: 'al\u001bice' },
    );
    const table = formatTable([evil], en, 'en');
    for (const line of table.split('\n')) expect(line).not.toMatch(RAW);
    expect(table.split('\n')).toHaveLength(2);
    expect(table).toContain(
      '"p\\u009b31m" serial a\\u001b[2Jb\\nc\\u202ed — usb.rules[0] (n\\u2066o\\u0007te)',
    );
    expect(table).toContain('al\\u001bice');
  });
});
