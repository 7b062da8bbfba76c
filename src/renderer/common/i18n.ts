// The tray pages' language (issue 14 §5: zh-CN and English by the OS locale, with a switch): the
// tray's OS locale arrives as navigator.languages (Chinese first → zh-CN, else English); the
// switch is kept for the next window (lang-store.ts) and told to the tray
// (window.baomi.setLanguage), which words its menu and notices the same way. Translators over
// core's catalogues (chain breaks, USB rules, alerts, sync failures) and the pages' own
// (viewer/text.ts, pledge/text.ts, status/text.ts).
import { createCoreTranslator } from '../../core/i18n/catalogs.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { Lang } from '../../core/i18n/types.js';
import { pledgeMessages } from '../pledge/text.js';
import { statusPageMessages } from '../status/text.js';
import { viewerMessages } from '../viewer/text.js';

const translators = new Map<Lang, Translate>();

export function translator(lang: Lang): Translate {
  let t = translators.get(lang);
  if (!t) {
    t = createCoreTranslator(lang, [viewerMessages, pledgeMessages, statusPageMessages]);
    translators.set(lang, t);
  }
  return t;
}

/** Chinese first in the reader's list → zh-CN; anything else → English. */
export function langFrom(languages: readonly string[]): Lang {
  return languages[0]?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
