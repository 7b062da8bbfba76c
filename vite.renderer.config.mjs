// The tray's pages (issue 14): src/renderer, built by `npm run build` into dist/renderer and
// served to the tray's windows over baomi://app/ (src/main/index.ts serves files by bare name
// only, so every file is at the top: no assets/ folder). No inline script or style: each page
// carries a strict Content-Security-Policy naming its one script by hash. So each page is built
// on its own, its script holding everything it runs (two pages sharing code in one build would
// share a chunk, which a hashed page cannot import): `vite build -c vite.renderer.config.mjs
// --mode <page>`, one run per page, the first emptying the folder (scripts/build-renderer.mjs).
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Each page's CSP names its scripts by hash instead of 'self' (which would let any script this
 * origin ever served run: electronegativity's CSP check asks for this), and each script tag
 * carries the same hash as its integrity. Fails the build when that cannot hold: a page with
 * no script to hash, a script or module preload left without a hash, or a script that imports
 * another chunk (an import is not covered by the page's hashes and would be blocked).
 */
const scriptHashes = () => ({
  name: 'baomi-script-hashes',
  enforce: 'post',
  generateBundle(_options, bundle) {
    for (const page of Object.values(bundle)) {
      if (page.type !== 'asset' || !page.fileName.endsWith('.html')) continue;
      const hashes = [];
      const html = String(page.source).replace(
        /<script type="module" crossorigin src="\.\/([^"]+)"><\/script>/g,
        (tag, file) => {
          const out = bundle[file];
          if (out?.type !== 'chunk') throw new Error(`${page.fileName}: ${file} is not a built script`);
          if (out.imports.length > 0 || out.dynamicImports.length > 0)
            throw new Error(`${page.fileName}: ${file} imports other chunks, which its CSP would block`);
          const code = out.code;
          const h = `sha384-${createHash('sha384').update(code).digest('base64')}`;
          hashes.push(`'${h}'`);
          return tag.replace(' src=', ` integrity="${h}" src=`);
        },
      );
      if (hashes.length === 0 || !html.includes("script-src 'self'"))
        throw new Error(`${page.fileName}: no module script or no "script-src 'self'" to replace`);
      const unhashed = [...html.matchAll(/<script\b[^>]*>|<link\b[^>]*modulepreload[^>]*>/g)].filter(
        (m) => !m[0].includes('integrity='),
      );
      if (unhashed.length > 0)
        throw new Error(`${page.fileName}: ${unhashed.map((m) => m[0]).join(', ')} has no hash`);
      page.source = html.replace("script-src 'self'", `script-src ${hashes.join(' ')}`);
    }
  },
});

/** The pages, in build order: the first empties dist/renderer. */
export const PAGES = ['overlay', 'viewer', 'pledge', 'status'];

export default defineConfig(({ mode }) => {
  if (!PAGES.includes(mode))
    throw new Error(`vite.renderer.config.mjs: --mode must be one of ${PAGES.join(', ')}, not ${mode}`);
  return {
    root: here('./src/renderer'),
    base: './',
    publicDir: false,
    plugins: [scriptHashes()],
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir: here('./dist/renderer'),
      emptyOutDir: mode === PAGES[0],
      assetsDir: '',
      target: 'es2022',
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      sourcemap: false,
      // Unminified: the pages load from disk, and electronegativity reports by line, so each call
      // it asks a person to review must have its own (scripts/electronegativity.mjs).
      minify: false,
      reportCompressedSize: false,
      rollupOptions: { input: { [mode]: here(`./src/renderer/${mode}.html`) } },
    },
    logLevel: 'warn',
  };
});
