// The tray's menu as data (issue 14): what a person can do from the icon. Nothing here can
// weaken enforcement: there is no "pause", "allow this device" or "stop the agent"; an
// exception is a request the console decides, or a token security staff signed. Quitting
// quits the tray only, and not while the policy has the tray draw a watermark (quitting would
// lift it).
import type { Translate } from '../core/i18n/translate.js';
import type { Lang } from '../core/i18n/types.js';
import type { TrayView } from './tray-state.js';

export const MENU_ACTIONS = [
  'open-log',
  'status',
  'request-exception',
  'redeem-token',
  'what-is-recorded',
  'language-en',
  'language-zh-CN',
  'quit',
] as const;
export type MenuAction = (typeof MENU_ACTIONS)[number];

export type MenuEntry =
  | { kind: 'item'; action: MenuAction; label: string; enabled: boolean; checked?: boolean }
  | { kind: 'submenu'; label: string; items: MenuEntry[] }
  | { kind: 'separator' };

const item = (action: MenuAction, label: string, enabled = true): MenuEntry => ({
  kind: 'item',
  action,
  label,
  enabled,
});

/** The menu for this state: with no agent, only what needs none stays enabled. */
export function trayMenu(
  t: Translate,
  lang: Lang,
  view: TrayView,
  opts: { watermark: boolean } = { watermark: false },
): MenuEntry[] {
  const up = view.state !== 'agent-down';
  return [
    item('open-log', t('tray.menu.openLog'), up),
    item('status', t('tray.menu.status')),
    { kind: 'separator' },
    item('request-exception', t('tray.menu.requestException'), up),
    item('redeem-token', t('tray.menu.redeemToken'), up),
    item('what-is-recorded', t('tray.menu.whatIsRecorded')),
    { kind: 'separator' },
    {
      kind: 'submenu',
      label: t('tray.menu.language'),
      items: [
        {
          kind: 'item',
          action: 'language-zh-CN',
          label: '中文',
          enabled: true,
          checked: lang === 'zh-CN',
        },
        {
          kind: 'item',
          action: 'language-en',
          label: 'English',
          enabled: true,
          checked: lang === 'en',
        },
      ],
    },
    { kind: 'separator' },
    opts.watermark
      ? item('quit', t('tray.menu.quitWatermark'), false)
      : item('quit', t('tray.menu.quit')),
  ];
}
