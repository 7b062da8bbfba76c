// Where the viewer's language choice is kept between windows (localStorage of baomi://app) and
// the page's own lang attribute. DOM only: the pure choice (langFrom) is in i18n.ts.
import type { Lang } from '../../core/i18n/types.js';
import { langFrom } from './i18n.js';

const KEY = 'baomi.viewer.lang';

function stored(): Lang | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'zh-CN' || v === 'en' ? v : null;
  } catch {
    return null; // storage refused (an opaque origin): the OS locale decides
  }
}

/** The person's last choice, else the OS locale (the tray's navigator.languages). */
export function initialLang(): Lang {
  return stored() ?? langFrom(navigator.languages ?? [navigator.language]);
}

export function keepLang(lang: Lang): void {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // Not kept for the next window; this one still switches.
  }
  document.documentElement.lang = lang;
}
