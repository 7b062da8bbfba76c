// A notice from the agent as the title and body of a desktop notification, in the person's
// language, from core's renderers (the same words the headless agent's notifier shows). A
// notice this tray does not know (a newer agent's) still shows, saying so: never dropped.
import type { Translate } from '../core/i18n/translate.js';
import { IDLE_NOTICE_CODES, idleNoticeText } from '../core/idle/notices.js';
import type { Notice } from '../core/protocol/messages.js';
import { EXCEPTION_NOTICE_CODES, exceptionNoticeText } from '../core/usb/exception-notices.js';
import { USB_NOTICE_CODES, usbNoticeText } from '../core/usb/notices.js';

const RENDERERS: [readonly string[], (t: Translate, n: Notice) => NoticeText][] = [
  [Object.values(USB_NOTICE_CODES), usbNoticeText],
  [Object.values(EXCEPTION_NOTICE_CODES), exceptionNoticeText],
  [Object.values(IDLE_NOTICE_CODES), idleNoticeText],
];

export interface NoticeText {
  title: string;
  body: string;
}

export function noticeText(t: Translate, notice: Notice): NoticeText {
  for (const [codes, render] of RENDERERS)
    if (codes.includes(notice.code)) return render(t, notice);
  // The code is the agent's, not a person's: still, only a code's characters are shown.
  const code = notice.code.replace(/[^\w.-]/g, '').slice(0, 64);
  return { title: t('tray.notice.fallbackTitle'), body: t('tray.notice.fallbackBody', { code }) };
}
