// Builds the tray's pages one by one (vite.renderer.config.mjs says why not together): part of
// `npm run build`. Fails on the first page that does not build.
import { build } from 'vite';
import { PAGES } from '../vite.renderer.config.mjs';

const configFile = new URL('../vite.renderer.config.mjs', import.meta.url).pathname;
for (const mode of PAGES) await build({ configFile, mode });
