// Assembles the tray app as it is packed (issue 14, "Packaging") in dist/tray-app: main.mjs and
// preload.cjs bundled by Vite (vite.tray.config.mjs), the pages (dist/renderer, from
// `npm run build`), the icons, and a small package.json with no dependencies. `--app DIR`
// assembles it there instead (tests: no shared folder to race over). With more arguments, then
// runs electron-builder with them (electron-builder.yml, its app folder set to ours), e.g.
//   node scripts/pack-tray.mjs --linux deb rpm AppImage
//   node scripts/pack-tray.mjs --linux dir -c.electronDist=DIR -c.electronVersion=45.5.0
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const at = argv.indexOf('--app');
const out = at >= 0 ? resolve(argv[at + 1] ?? '') : join(root, 'dist/tray-app');
if (at >= 0) argv.splice(at, 2);
if (!existsSync(join(root, 'dist/renderer/overlay.html'))) {
  console.error('pack-tray: dist/renderer is not built; run `npm run build` first');
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
for (const mode of ['main', 'preload'])
  await build({
    configFile: join(root, 'vite.tray.config.mjs'),
    mode,
    logLevel: 'warn',
    build: { outDir: out },
  });
cpSync(join(root, 'dist/renderer'), join(out, 'renderer'), { recursive: true });
mkdirSync(join(out, 'icons'));
for (const icon of ['protected', 'policy-problem', 'sync-waiting', 'agent-down'])
  cpSync(join(root, `native/tray/${icon}.png`), join(out, 'icons', `${icon}.png`));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(
  join(out, 'package.json'),
  `${JSON.stringify(
    {
      name: 'baomi-tray',
      productName: 'Baomi',
      version: pkg.version,
      description: 'Baomi tray: what this workstation’s data-leak-prevention agent does, and why',
      author: { name: 'Baomi', email: 'it@baomi.invalid' },
      // The .deb and .rpm refuse to build without one (their Homepage / URL field).
      homepage: 'https://baomi.invalid/',
      license: pkg.license,
      private: true,
      main: 'main.mjs',
    },
    null,
    2,
  )}\n`,
);
console.log(`pack-tray: ${out}`);

if (argv.length > 0) {
  const cli = join(root, 'node_modules/electron-builder/cli.js');
  const r = spawnSync(process.execPath, [cli, ...argv, `-c.directories.app=${out}`], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  process.exit(r.status ?? 1);
}
