// `npm start`: the tray and the agent where Electron can run, the agent alone where it cannot
// (no Electron binary: this machine's npm package carries only its types until
// `npx install-electron`; or no display), saying which in one line. The agent runs in this
// process either way, exactly as `baomi agent --trust-demo --policy policies/demo.yaml` plus
// the arguments given after `npm start --`; the tray is a child that may quit on its own (the
// agent keeps running) and is ended when the agent stops.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The language as the CLI picks it (src/core/i18n/types.ts pickLang): --lang, then the locale.
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].slice(name.length + 1) : args[i + 1];
};
const env = process.env;
const zh = /^zh/i.test(flag('--lang') ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '');
const say = (en, cn) => process.stderr.write(`baomi: ${zh ? cn : en}\n`);

/** The Electron binary, if one is installed (never downloads: index.js would). */
function electronBinary() {
  let pkg;
  try {
    pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const name = existsSync(join(pkg, 'path.txt')) ? readFileSync(join(pkg, 'path.txt'), 'utf8') : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const bin = override
    ? join(override, name || (process.platform === 'win32' ? 'electron.exe' : 'electron'))
    : name && join(pkg, 'dist', name);
  return bin && existsSync(bin) ? bin : null;
}

const display =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const electron = electronBinary();
let tray = null;
if (!electron)
  say(
    "the tray cannot start here (Electron's binary is not installed: `npx install-electron`); running the agent alone",
    '托盘无法在此启动（未安装 Electron 程序：`npx install-electron`），仅运行终端代理',
  );
else if (!display)
  say(
    'the tray cannot start here (no display); running the agent alone',
    '托盘无法在此启动（没有显示器），仅运行终端代理',
  );
else {
  say(
    'starting the tray beside the agent; this agent runs as you, so privileged enforcement (sealing USB ports, locking the screen by policy) is off',
    '托盘与终端代理一同启动；代理以您的身份运行，需要特权的管控（封闭 USB 端口、按策略锁屏）未生效',
  );
  // The tray connects to this agent's socket (`--socket DIR`), or looks where the CLI does.
  const socket = flag('--socket');
  tray = spawn(electron, [join(root, 'dist/main/index.js')], {
    stdio: 'inherit',
    env: socket ? { ...env, BAOMI_TRAY_SOCKET: join(socket, 'agent.sock') } : env,
  });
  tray.on('error', (e) =>
    say(`the tray did not start: ${e.message}`, `托盘未能启动：${e.message}`),
  );
  tray.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      say(
        `the tray ended (${signal ?? `exit ${code}`}); the agent keeps running`,
        `托盘已退出（${signal ?? `退出码 ${code}`}），终端代理继续运行`,
      );
  });
  // The agent decides when this process ends (it drains its own handles): the tray must not
  // keep it alive, and goes with it.
  tray.unref();
  process.on('exit', () => tray?.kill());
}

process.argv = [
  process.argv[0],
  join(root, 'bin/baomi.js'),
  'agent',
  '--trust-demo',
  '--policy',
  'policies/demo.yaml',
  ...args,
];
await import(new URL('../bin/baomi.js', import.meta.url).href);
