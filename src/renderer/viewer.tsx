// The log viewer's page (issue 14 §5): mounts the app on window.baomi, the preload's bridge.
// Opened anywhere else (no bridge), it says so in both languages rather than a blank page.
import { render } from 'preact';
import type { BaomiBridge } from '../preload/preload.js';
import { App } from './viewer/app.js';
import { translator } from './viewer/i18n.js';
import { initialLang, keepLang } from './viewer/lang-store.js';

const root = document.getElementById('app')!;
const lang = initialLang();
keepLang(lang);
const bridge = (window as unknown as { baomi?: BaomiBridge }).baomi;
if (bridge) render(<App bridge={bridge} lang={lang} all={location.hash === '#all'} />, root);
else
  root.textContent = `${translator('zh-CN')('error.bridge')} ${translator('en')('error.bridge')}`;
