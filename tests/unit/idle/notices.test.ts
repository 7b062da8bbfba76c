// Idle notices: codes and parameters the agent sends, and the text the person reads, in both
// languages, with the lock shortcut of their OS and desktop.
import { describe, expect, it } from 'vitest';
import { createCoreTranslator } from '../../../src/core/i18n/catalogs.js';
import {
  IDLE_NOTICE_CODES,
  idleNoticeText,
  lockedNotice,
  lockShortcuts,
  remindNotice,
} from '../../../src/core/idle/notices.js';
import { MIN, S } from './helpers.js';

const en = createCoreTranslator('en');
const zh = createCoreTranslator('zh-CN');
const reminder = (idleMs: number, n = 1) => ({
  type: 'remind' as const,
  user: 'wang.fang',
  idleMs,
  n,
});

describe('idle notices', () => {
  it('a reminder carries idle time, whole minutes, its number, the OS and the desktop', () => {
    expect(remindNotice(reminder(3 * MIN + 59 * S, 2), 'linux', 'ubuntu:GNOME', 41)).toEqual({
      code: 'idle.notice.remind',
      seq: 41,
      params: { idleMs: 3 * MIN + 59 * S, minutes: 3, n: 2, os: 'linux', desktop: 'ubuntu:GNOME' },
    });
    expect(remindNotice(reminder(3 * MIN), 'windows')).toEqual({
      code: 'idle.notice.remind',
      params: { idleMs: 3 * MIN, minutes: 3, n: 1, os: 'windows', desktop: null },
    });
    expect(
      lockedNotice({ type: 'lock', user: 'wang.fang', idleMs: 5 * MIN }, 'darwin', null, 7),
    ).toEqual({
      code: 'idle.notice.locked',
      seq: 7,
      params: { idleMs: 5 * MIN, minutes: 5, n: 0, os: 'darwin', desktop: null },
    });
    expect(lockedNotice({ type: 'lock', user: 'u', idleMs: MIN }, 'linux')).not.toHaveProperty(
      'seq',
    );
    expect(IDLE_NOTICE_CODES).toEqual({
      remind: 'idle.notice.remind',
      locked: 'idle.notice.locked',
    });
  });

  it('reads as the issue asks, in Chinese and English, with the OS shortcut', () => {
    const n = remindNotice(reminder(3 * MIN), 'windows');
    expect(idleNoticeText(zh, n)).toEqual({
      title: '请锁定屏幕',
      body: '你已离开 3 分钟，请锁定屏幕（Win+L）',
    });
    expect(idleNoticeText(en, n)).toEqual({
      title: 'Lock your screen',
      body: 'You have been away for 3 min: lock your screen (Win+L)',
    });
    expect(idleNoticeText(en, remindNotice(reminder(10 * MIN), 'darwin')).body).toBe(
      'You have been away for 10 min: lock your screen (Ctrl+Cmd+Q)',
    );
  });

  it('under a minute reads in seconds (the demo policy reminds after 20 s)', () => {
    const n = remindNotice(reminder(20 * S + 999), 'linux', 'GNOME');
    expect(idleNoticeText(zh, n).body).toBe('你已离开 20 秒，请锁定屏幕（Super+L）');
    expect(idleNoticeText(en, n).body).toBe(
      'You have been away for 20 s: lock your screen (Super+L)',
    );
    expect(idleNoticeText(en, remindNotice(reminder(60 * S - 1), 'windows')).body).toMatch(/59 s:/);
    expect(idleNoticeText(en, remindNotice(reminder(60 * S), 'windows')).body).toMatch(/1 min:/);
  });

  it('on Linux the shortcut follows the desktop; unknown gets both common answers', () => {
    expect(lockShortcuts('linux', 'ubuntu:GNOME')).toEqual(['Super+L']);
    expect(lockShortcuts('linux', 'KDE')).toEqual(['Meta+L']);
    expect(lockShortcuts('linux', 'XFCE')).toEqual(['Ctrl+Alt+L']);
    expect(lockShortcuts('linux', 'MATE')).toEqual(['Ctrl+Alt+L']);
    expect(lockShortcuts('linux', 'X-Cinnamon')).toEqual(['Ctrl+Alt+L']);
    expect(lockShortcuts('linux', 'Deepin')).toEqual(['Super+L', 'Ctrl+Alt+L']);
    expect(lockShortcuts('linux')).toEqual(['Super+L', 'Ctrl+Alt+L']);
    expect(lockShortcuts('windows', 'GNOME')).toEqual(['Win+L']);
    expect(lockShortcuts('darwin')).toEqual(['Ctrl+Cmd+Q']);
    expect(lockShortcuts('freebsd')).toEqual([]);
    const n = remindNotice(reminder(4 * MIN), 'linux', null);
    expect(idleNoticeText(zh, n).body).toBe('你已离开 4 分钟，请锁定屏幕（Super+L 或 Ctrl+Alt+L）');
    expect(idleNoticeText(en, n).body).toBe(
      'You have been away for 4 min: lock your screen (Super+L or Ctrl+Alt+L)',
    );
  });

  it('an OS it does not know: the reminder without a shortcut', () => {
    expect(idleNoticeText(en, remindNotice(reminder(4 * MIN), 'freebsd')).body).toBe(
      'You have been away for 4 min: lock your screen',
    );
    expect(idleNoticeText(zh, remindNotice(reminder(30 * S), 'freebsd')).body).toBe(
      '你已离开 30 秒，请锁定屏幕',
    );
  });

  it('the lock notice', () => {
    const n = lockedNotice({ type: 'lock', user: 'wang.fang', idleMs: 5 * MIN + 30 * S }, 'linux');
    expect(idleNoticeText(zh, n)).toEqual({
      title: '屏幕已锁定',
      body: '屏幕已按策略锁定：5 分钟无操作。',
    });
    expect(idleNoticeText(en, n)).toEqual({
      title: 'Screen locked',
      body: 'Your screen was locked by policy after 5 min without input.',
    });
    const short = lockedNotice({ type: 'lock', user: 'u', idleMs: 45 * S }, 'linux');
    expect(idleNoticeText(en, short).body).toBe(
      'Your screen was locked by policy after 45 s without input.',
    );
    // Translated from the code alone (a log line).
    expect(zh(IDLE_NOTICE_CODES.locked)).toBe('屏幕已按策略锁定');
    expect(en(IDLE_NOTICE_CODES.remind, { minutes: 3 })).toBe(
      'Reminder to lock the screen: 3 min without input',
    );
  });

  it('renders a notice from another version from whatever it carries', () => {
    const text = (params: Record<string, unknown>) =>
      idleNoticeText(en, { code: 'idle.notice.remind', params: params as never }).body;
    expect(text({ minutes: 7, os: 'windows' })).toBe(
      'You have been away for 7 min: lock your screen (Win+L)',
    );
    expect(text({ idleMs: -5, minutes: 2, os: 'windows' })).toMatch(/2 min/);
    expect(text({ idleMs: '9', minutes: -1, os: 42, desktop: 7 })).toBe(
      'You have been away for 0 s: lock your screen',
    );
    expect(text({ os: 'linux', desktop: 'KDE' })).toBe(
      'You have been away for 0 s: lock your screen (Meta+L)',
    );
  });
});
