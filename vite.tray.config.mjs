// The tray app as it is packed (issue 14, "Packaging"): the main process bundled into one ES
// module (main.mjs: core, the socket client, zod and i18next inside; only electron and Node's
// own modules outside) and the preload into one CommonJS file (preload.cjs: a sandboxed preload
// cannot load ES modules), so app.asar needs no node_modules and holds no native module.
// `vite build -c vite.tray.config.mjs --mode main|preload` (scripts/pack-tray.mjs runs both).
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const node = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default defineConfig(({ mode }) => {
  const preload = mode === 'preload';
  return {
    publicDir: false,
    logLevel: 'warn',
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: true,
      outDir: here('./dist/tray-app'),
      emptyOutDir: false,
      target: 'node20',
      minify: false,
      sourcemap: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: preload ? here('./src/preload/preload.ts') : here('./src/main/index.ts'),
        external: ['electron', ...node],
        output: {
          format: preload ? 'cjs' : 'es',
          entryFileNames: preload ? 'preload.cjs' : 'main.mjs',
          codeSplitting: false,
        },
      },
    },
  };
});
