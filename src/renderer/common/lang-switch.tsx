// The language switch every tray page carries (issue 14 §5): the page rewords at once, the choice
// is kept for the next window (lang-store.ts) and told to the tray, which words its menu and
// notices the same way (a refusal there leaves this window switched).
import { useState } from 'preact/hooks';
import type { Translate } from '../../core/i18n/translate.js';
import type { Lang } from '../../core/i18n/types.js';
import type { BaomiBridge } from '../../preload/preload.js';
import { translator } from './i18n.js';
import { keepLang } from './lang-store.js';

export const otherLang = (lang: Lang): Lang => (lang === 'zh-CN' ? 'en' : 'zh-CN');

/** The page's language, its translator, and the switch to the other language. */
export function useLang(bridge: BaomiBridge, first: Lang): [Lang, Translate, () => void] {
  const [lang, setLang] = useState<Lang>(first);
  const toggle = () => {
    const next = otherLang(lang);
    setLang(next);
    keepLang(next);
    bridge.setLanguage(next).catch(() => undefined);
  };
  return [lang, translator(lang), toggle];
}

/** The button, labelled in the language it switches to. */
export function LangButton(props: { lang: Lang; t: Translate; onClick: () => void }) {
  return (
    <button type="button" lang={otherLang(props.lang)} onClick={props.onClick}>
      {props.t('viewer.lang')}
    </button>
  );
}
