// Entry of the console's web UI (vite.config.mjs builds it; the console serves it).
import { render } from 'preact';
import { App } from './app.js';
import { lang } from './i18n.js';

document.documentElement.lang = lang();
render(<App />, document.getElementById('app')!);
