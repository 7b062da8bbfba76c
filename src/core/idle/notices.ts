// Notices about idleness for the person at the console (DESIGN.md "Notices"): the agent sends
// a code and parameters, the display end (the tray, or the notifier when no tray runs)
// translates them with idleNoticeText() in the person's language.
//
// A reminder names the keys that lock the screen on the person's OS:
// - Windows: Win+L, the same on every edition and keyboard layout;
// - macOS: Ctrl+Cmd+Q ("Lock Screen" in the Apple menu, macOS 10.13 and later);
// - Linux: it depends on the desktop, so the notice carries XDG_CURRENT_DESKTOP where the
//   agent knows it ("ubuntu:GNOME", "KDE", "XFCE", …). Defaults as shipped: GNOME (Debian's
//   and Ubuntu's default desktop) Super+L (gsettings org.gnome.settings-daemon.plugins.
//   media-keys screensaver); KDE Plasma Meta+L, Plasma's name for the same Super key
//   (kglobalshortcutsrc, ksmserver "Lock Session"); Xfce (xflock4), MATE and Cinnamon
//   Ctrl+Alt+L. Another or an unknown desktop gets both common answers, "Super+L or
//   Ctrl+Alt+L", rather than a guess that may be wrong.
import type { Json } from '../events/types.js';
import type { Translate } from '../i18n/translate.js';
import type { Notice } from '../protocol/messages.js';
import type { IdleAction } from './reminder.js';

export const IDLE_NOTICE_CODES = {
  remind: 'idle.notice.remind',
  locked: 'idle.notice.locked',
} as const;

/** The parameters of an idle notice (`Notice.params`). */
export interface IdleNoticeParams {
  [k: string]: Json;
  /** Idle time when the notice was raised, ms. */
  idleMs: number;
  /** The same in whole minutes (rounded down), for readers that show the code alone. */
  minutes: number;
  /** The reminder's number in its idle stretch (1 for the first); 0 in a lock notice. */
  n: number;
  /** The agent's OS: `windows`, `darwin`, `linux` (any other: no shortcut is shown). */
  os: string;
  /** XDG_CURRENT_DESKTOP of the session where known (Linux), else null. */
  desktop: string | null;
}

function params(a: IdleAction, os: string, desktop: string | null): IdleNoticeParams {
  return {
    idleMs: a.idleMs,
    minutes: Math.floor(a.idleMs / 60_000),
    n: a.type === 'remind' ? a.n : 0,
    os,
    desktop,
  };
}

/** The notice for a reminder the reminder machine asked for. */
export function remindNotice(
  a: Extract<IdleAction, { type: 'remind' }>,
  os: string,
  desktop: string | null = null,
  seq?: number,
): Notice {
  const n: Notice = { code: IDLE_NOTICE_CODES.remind, params: params(a, os, desktop) };
  if (seq !== undefined) n.seq = seq;
  return n;
}

/** The notice for a lock that succeeded (shown when the person comes back). */
export function lockedNotice(
  a: Extract<IdleAction, { type: 'lock' }>,
  os: string,
  desktop: string | null = null,
  seq?: number,
): Notice {
  const n: Notice = { code: IDLE_NOTICE_CODES.locked, params: params(a, os, desktop) };
  if (seq !== undefined) n.seq = seq;
  return n;
}

const LINUX_DESKTOPS: ReadonlyArray<readonly [readonly string[], string]> = [
  [['gnome'], 'Super+L'],
  [['kde'], 'Meta+L'],
  [['xfce', 'mate', 'x-cinnamon', 'cinnamon'], 'Ctrl+Alt+L'],
];

/**
 * The keys that lock the screen, as alternatives (usually one); [] for an OS this version
 * does not know. `desktop` is XDG_CURRENT_DESKTOP (a colon-separated list), Linux only.
 */
export function lockShortcuts(os: string, desktop: string | null = null): string[] {
  if (os === 'windows') return ['Win+L'];
  if (os === 'darwin') return ['Ctrl+Cmd+Q'];
  if (os !== 'linux') return [];
  const names = (desktop ?? '').toLowerCase().split(':');
  for (const [desktops, keys] of LINUX_DESKTOPS)
    if (names.some((d) => desktops.includes(d))) return [keys];
  return ['Super+L', 'Ctrl+Alt+L'];
}

/**
 * An idle notice as a title and a body, in the language of `t` (createCoreTranslator): what
 * the tray and the notifier show. Reads only the notice, so it renders notices from an agent
 * of another version too; under a minute reads in seconds ("away for 20 s"), as the demo
 * policy's reminders do.
 */
export function idleNoticeText(t: Translate, n: Notice): { title: string; body: string } {
  const p = n.params;
  const idleMs =
    typeof p.idleMs === 'number' && p.idleMs >= 0
      ? p.idleMs
      : typeof p.minutes === 'number' && p.minutes >= 0
        ? p.minutes * 60_000
        : 0;
  const unit = idleMs < 60_000 ? 'Seconds' : 'Minutes';
  const amount = { seconds: Math.floor(idleMs / 1000), minutes: Math.floor(idleMs / 60_000) };
  if (n.code === IDLE_NOTICE_CODES.locked) {
    return {
      title: t('idle.notice.title.locked'),
      body: t(
        unit === 'Seconds' ? 'idle.notice.body.lockedSeconds' : 'idle.notice.body.locked',
        amount,
      ),
    };
  }
  const keys = lockShortcuts(
    typeof p.os === 'string' ? p.os : '',
    typeof p.desktop === 'string' ? p.desktop : null,
  );
  const shortcut =
    keys.length > 1 ? t('idle.shortcut.or', { first: keys[0], second: keys[1] }) : keys[0];
  return {
    title: t('idle.notice.title.remind'),
    body: t(`idle.notice.body.remind${unit}${shortcut === undefined ? 'NoKey' : ''}`, {
      ...amount,
      shortcut,
    }),
  };
}
