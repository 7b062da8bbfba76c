// A translator over merged catalogues. i18next does interpolation and fallback; keys are
// flat ("policy.unknownKey"), so the key separator is off.
import i18next from 'i18next';
import type { BaomiError } from '../errors.js';
import type { Catalog, Lang } from './types.js';

export type Translate = (key: string, params?: Record<string, unknown>) => string;

export function mergeCatalogs(catalogs: readonly Catalog[]): Catalog {
  const out: Catalog = { en: {}, 'zh-CN': {} };
  for (const c of catalogs) {
    Object.assign(out.en, c.en);
    Object.assign(out['zh-CN'], c['zh-CN']);
  }
  return out;
}

export function createTranslator(lang: Lang, catalogs: readonly Catalog[]): Translate {
  const merged = mergeCatalogs(catalogs);
  const i18n = i18next.createInstance();
  void i18n.init({
    initAsync: false,
    lng: lang,
    fallbackLng: 'en',
    resources: { en: { translation: merged.en }, 'zh-CN': { translation: merged['zh-CN'] } },
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return (key, params) => i18n.t(key, params ?? {}) as string;
}

/** The one line a person reads for an expected error; unknown codes fall back to the code. */
export function describeError(t: Translate, err: BaomiError): string {
  return t(err.code, err.params);
}
