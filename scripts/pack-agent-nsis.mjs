// The agent's Windows installer (issue 14 §7): native/windows/agent-installer.nsi compiled by
// makensis (NSIS: on Windows its installer, on Debian and Ubuntu `apt-get install nsis`) from
// the tree scripts/pack-agent.mjs packed on Windows, with WinSW's executable put in it as
// baomi-agent.exe (the service wrapper baomi-agent.xml and install-service.ps1 expect).
//
//   node scripts/pack-agent-nsis.mjs --winsw WinSW-x64.exe [--from DIR] [--out DIR]
// --winsw: WinSW 2.x's executable (github.com/winsw/winsw, MIT), unless the tree already
//          holds baomi-agent.exe.
// --from:  the tree packed on Windows (default dist/agent-package/baomi).
// --out:   where baomi-agent-setup-<version>-<arch>.exe goes (default dist/agent-package).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptArgs } from './script-args.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const NAME = 'pack-agent-nsis';
const USAGE = `usage: node scripts/${NAME}.mjs --winsw EXE [--from DIR] [--out DIR]
  --winsw EXE  WinSW's executable, put in as baomi-agent.exe (not needed when the tree has one)
  --from DIR   the tree pack-agent.mjs made on Windows; default dist/agent-package/baomi
  --out DIR    where baomi-agent-setup-<version>-<arch>.exe goes; default dist/agent-package`;
const fail = (msg) => {
  console.error(`${NAME}: ${msg}`);
  process.exit(1);
};
const args = scriptArgs(
  NAME,
  USAGE,
  { from: { type: 'string' }, out: { type: 'string' }, winsw: { type: 'string' } },
  ['from', 'out'],
);
const from = resolve(args.from ?? join(root, 'dist/agent-package/baomi'));
const out = resolve(args.out ?? join(root, 'dist/agent-package'));

const makensis = process.platform === 'win32' ? 'makensis.exe' : 'makensis';
if (spawnSync(makensis, ['-VERSION']).status !== 0)
  fail('makensis is not installed (NSIS: apt-get install nsis, or nsis.sourceforge.io on Windows)');
let manifest;
try {
  manifest = JSON.parse(readFileSync(join(from, 'MANIFEST.json'), 'utf8'));
} catch {
  fail(`${from} holds no packed agent (MANIFEST.json); run node scripts/pack-agent.mjs on Windows`);
}
if (manifest.platform !== 'win32')
  fail(`${from} was packed for ${manifest.platform}: pack the agent on Windows for its installer`);
if (manifest.arch !== 'x64' && manifest.arch !== 'arm64')
  fail(`${from} was packed for ${manifest.arch}; the installer is for 64-bit Windows`);
for (const f of ['node.exe', 'bin/baomi.js', 'baomi-agent.xml', 'install-service.ps1'])
  if (!existsSync(join(from, f))) fail(`${from} has no ${f}; pack it again with pack-agent.mjs`);
const hasWrapper = existsSync(join(from, 'baomi-agent.exe'));
if (!hasWrapper && args.winsw === undefined)
  fail(
    'the service wrapper is missing: give WinSW’s executable with --winsw (it becomes baomi-agent.exe)',
  );
if (args.winsw !== undefined) {
  const head = existsSync(args.winsw)
    ? readFileSync(args.winsw).subarray(0, 2).toString('latin1')
    : '';
  if (head !== 'MZ') fail(`--winsw ${args.winsw} is not a Windows executable`);
}

const stage = mkdtempSync(join(tmpdir(), 'baomi-nsis-'));
process.on('exit', () => rmSync(stage, { recursive: true, force: true }));
const tree = join(stage, 'baomi');
cpSync(from, tree, { recursive: true });
if (args.winsw !== undefined) copyFileSync(resolve(args.winsw), join(tree, 'baomi-agent.exe'));

mkdirSync(out, { recursive: true });
const file = join(out, `baomi-agent-setup-${manifest.version}-${manifest.arch}.exe`);
rmSync(file, { force: true });
const r = spawnSync(
  makensis,
  [
    '-V2',
    '-INPUTCHARSET',
    'UTF8',
    `-DSOURCE=${tree}`,
    `-DVERSION=${manifest.version}`,
    `-DOUTFILE=${file}`,
    join(root, 'native/windows/agent-installer.nsi'),
  ],
  { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
if (r.status !== 0)
  fail(`makensis failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n')}`);
if (!existsSync(file)) fail(`makensis made no ${file}`);
console.log(`${NAME}: ${file}`);
