// Mounts a tray page on window.baomi, the preload's bridge, in the person's language. Opened
// anywhere else (no bridge: a browser, a file), it says so in both languages, not a blank page.
import { render, type VNode } from 'preact';
import type { Lang } from '../../core/i18n/types.js';
import type { BaomiBridge } from '../../preload/preload.js';
import { translator } from './i18n.js';
import { initialLang, keepLang } from './lang-store.js';

/** `page` may be a promise (the viewer waits a moment for its first rows: viewer.tsx). */
export function mount(page: (bridge: BaomiBridge, lang: Lang) => VNode | Promise<VNode>): void {
  const root = document.getElementById('app')!;
  const lang = initialLang();
  keepLang(lang);
  const bridge = (window as unknown as { baomi?: BaomiBridge }).baomi;
  if (bridge)
    // A page that fails to build says why (as text), rather than leaving the window blank.
    void Promise.resolve()
      .then(() => page(bridge, lang))
      .then((v) => render(v, root))
      .catch((e: unknown) => {
        console.error(e);
        root.textContent = translator(lang)('error.page', {
          reason: e instanceof Error ? e.message : String(e),
        });
      });
  else
    root.textContent = `${translator('zh-CN')('error.bridge')} ${translator('en')('error.bridge')}`;
}
