// `npm start` (scripts/start.mjs): where the tray cannot run it says so in one line and runs the
// agent as before; where an Electron binary and a display are there it starts the tray beside
// the agent (a stand-in binary here: Electron's cannot be downloaded on these machines), says
// that privileged enforcement is off, and ends the tray when the agent stops.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/agent.js';

const START = new URL('../../../scripts/start.mjs', import.meta.url).pathname;
const ROOT = new URL('../../../', import.meta.url).pathname;

function start(env: Record<string, string | undefined>) {
  const dir = mkdtempSync(join(tmpdir(), 'baomi-start-'));
  const clean = { ...process.env };
  delete clean.DISPLAY;
  delete clean.WAYLAND_DISPLAY;
  delete clean.ELECTRON_OVERRIDE_DIST_PATH;
  const child = spawn(
    process.execPath,
    [START, '--data-dir', join(dir, 'data'), '--socket', join(dir, 'run')],
    {
      cwd: ROOT,
      env: { ...clean, LANG: 'en_US.UTF-8', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  let out = '';
  child.stderr.on('data', (c) => (err += c));
  child.stdout.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const sock = join(dir, 'run', 'admin.sock');
  const up = () => waitFor('agent socket', () => existsSync(sock) && statSync(sock).isSocket());
  return { dir, child, err: () => err, out: () => out, exited, up };
}

describe('npm start', () => {
  it('runs the agent alone with one line where there is no Electron binary', async () => {
    // An empty folder as the binary's place: no Electron, whatever this machine has installed.
    const none = mkdtempSync(join(tmpdir(), 'baomi-no-electron-'));
    const s = start({ DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: none });
    await s.up();
    await waitFor('banner', () => s.out().includes('Policy in force: DEMO'));
    const lines = s
      .err()
      .split('\n')
      .filter((l) => l.startsWith('baomi:'));
    expect(lines).toEqual([
      "baomi: the tray cannot start here (Electron's binary is not installed: `npx install-electron`); running the agent alone",
    ]);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('says it in Chinese for a Chinese locale, and names a missing display', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'baomi-electron-'));
    writeFileSync(join(bin, 'electron'), '#!/bin/sh\nexec sleep 60\n');
    chmodSync(join(bin, 'electron'), 0o755);
    const s = start({ LANG: 'zh_CN.UTF-8', ELECTRON_OVERRIDE_DIST_PATH: bin });
    await s.up();
    expect(s.err()).toContain('baomi: 托盘无法在此启动（没有显示器），仅运行终端代理');
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('starts the tray beside the agent where it can, and ends it when the agent stops', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'baomi-electron-'));
    const args = join(bin, 'args');
    // The stand-in records how it was started and stays up like a tray would.
    writeFileSync(
      join(bin, 'electron'),
      `#!/bin/sh\necho "$$ $@ $BAOMI_TRAY_SOCKET" > ${args}\nexec sleep 60\n`,
    );
    chmodSync(join(bin, 'electron'), 0o755);
    const s = start({ DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: bin });
    await s.up();
    await waitFor('tray started', () => existsSync(args));
    const [pid, entry, socket] = readFileSync(args, 'utf8').trim().split(' ');
    expect(entry).toBe(join(ROOT, 'dist/main/index.js'));
    // The tray is told where this agent listens (npm start -- --socket DIR).
    expect(socket).toBe(join(s.dir, 'run', 'agent.sock'));
    expect(existsSync(entry!)).toBe(true);
    expect(s.err()).toContain(
      'privileged enforcement (sealing USB ports, locking the screen by policy) is off',
    );
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    await waitFor('tray ended', () => {
      try {
        process.kill(Number(pid), 0);
        return false;
      } catch {
        return true;
      }
    });
  });
});
