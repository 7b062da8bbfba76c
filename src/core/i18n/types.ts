// Every user-facing string exists in zh-CN and English. Each module keeps its own catalogue
// (`messages.ts` beside its code) in this shape; translate.ts merges them (core's own are
// listed in catalogs.ts) and a unit test checks that both languages have the same keys and
// placeholders.
export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

/** Flat keys ("policy.unknownKey"), i18next interpolation ("{{key}}"). */
export interface Catalog {
  en: Record<string, string>;
  'zh-CN': Record<string, string>;
}

/** Whether a --lang value names a language we have (anything else falls back to English). */
export function isKnownLang(flag: string): boolean {
  return /^(en|zh)([-_].*)?$/i.test(flag);
}
/** A catalogue of error codes: the compiler checks that every code has text in both. */
export type CodeCatalog<C extends string> = { [L in Lang]: Record<C, string> };

/** Picks the language from an explicit flag, then LC_ALL / LC_MESSAGES / LANG. */
export function pickLang(flag: string | undefined, env: Record<string, string | undefined>): Lang {
  const raw = flag ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '';
  return /^zh/i.test(raw) ? 'zh-CN' : 'en';
}
