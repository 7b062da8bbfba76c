// The console's web UI (issue 13): src/console/web, built by `npm run build` into
// dist/console-web, served by `baomi console` from the same origin as its API
// (src/console/server/web.ts). Preact through its automatic JSX runtime; no inline script or
// style anywhere (the console sends a strict Content-Security-Policy).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./src/console/web', import.meta.url)),
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/console-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No module-preload polyfill: it is an inline script, which the CSP refuses.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
