// The tray's pages (issue 14): src/renderer, built by `npm run build` into dist/renderer and
// served to the tray's windows over baomi://app/ (src/main/index.ts serves files by bare name
// only, so every file is at the top: no assets/ folder). No inline script or style: each page
// carries a strict Content-Security-Policy.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src/renderer'),
  base: './',
  publicDir: false,
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    assetsDir: '',
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: { input: { overlay: here('./src/renderer/overlay.html') } },
  },
  logLevel: 'warn',
});
