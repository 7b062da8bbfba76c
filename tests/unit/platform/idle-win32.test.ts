// The Windows idle adapter on the fake command runner (no Windows machine here): the service
// reads lock state only (LogonUI.exe in the console session, by tasklist) and disconnects the
// console session to lock it; an agent running as the person reads GetLastInputInfo through
// PowerShell and locks with LockWorkStation.
import { describe, expect, it } from 'vitest';
import type { SeatUser } from '../../../src/core/ports/session.js';
import { FakeCommandRunner } from '../../../src/platform/fake/commands.js';
import {
  createWindowsIdle,
  IDLE_SCRIPT,
  logonUiLocked,
  POWERSHELL_ARGS,
  parseIdleScript,
  parseTasklistCsv,
  TASKLIST_ARGS,
  WINDOWS_SERVICE_IDLE_LACKS,
} from '../../../src/platform/win32/idle.js';

const alice: SeatUser = { name: 'alice', sessionId: '1', source: 'wts' };
// tasklist /FI "IMAGENAME eq LogonUI.exe" /FO CSV /NH, on Windows 10 22H2.
const LOGONUI_IN_1 = '"LogonUI.exe","9120","Console","1","52,340 K"\r\n';
const LOGONUI_IN_3 = '"LogonUI.exe","7001","RDP-Tcp#0","3","48,000 K"\r\n';
const NO_TASKS = 'INFO: No tasks are running which match the specified criteria.\r\n';
const QUSER = [
  ' USERNAME              SESSIONNAME        ID  STATE   IDLE TIME  LOGON TIME',
  '>alice                 console             2  Active      none   11/30/2026 9:02 AM',
  ' bob                   rdp-tcp#0           3  Active          5  11/30/2026 8:40 AM',
  '',
].join('\r\n');

describe('parsing', () => {
  it('tasklist CSV rows, and whether LogonUI runs in the session', () => {
    expect(parseTasklistCsv(LOGONUI_IN_1 + LOGONUI_IN_3)).toEqual([
      { image: 'LogonUI.exe', pid: '9120', sessionName: 'Console', session: '1' },
      { image: 'LogonUI.exe', pid: '7001', sessionName: 'RDP-Tcp#0', session: '3' },
    ]);
    expect(logonUiLocked({ code: 0, stdout: LOGONUI_IN_1 }, '1')).toBe(true);
    expect(logonUiLocked({ code: 0, stdout: LOGONUI_IN_3 }, '1')).toBe(false);
    expect(logonUiLocked({ code: 0, stdout: LOGONUI_IN_1 }, undefined)).toBe(true);
    expect(logonUiLocked({ code: 0, stdout: LOGONUI_IN_3 }, undefined)).toBe(false);
    // The "no tasks" line is localised; any text without a row is "not locked".
    expect(logonUiLocked({ code: 0, stdout: NO_TASKS }, '1')).toBe(false);
    expect(logonUiLocked({ code: 0, stdout: '信息: 没有运行的任务匹配指定标准。\r\n' }, '1')).toBe(
      false,
    );
    expect(logonUiLocked({ code: 1, stdout: '' }, '1')).toBeNull();
    expect(logonUiLocked({ code: null, stdout: '', missing: true }, '1')).toBeNull();
  });

  it('the PowerShell helper’s two lines; garbage is unknown', () => {
    expect(parseIdleScript('61234\r\nunlocked\r\n')).toEqual({ idleMs: 61234, locked: false });
    expect(parseIdleScript('0\nlocked\n')).toEqual({ idleMs: 0, locked: true });
    expect(parseIdleScript('-1\r\nunlocked\r\n')).toEqual({ idleMs: null, locked: false });
    expect(parseIdleScript('Add-Type : error\r\n')).toEqual({ idleMs: null, locked: null });
    expect(parseIdleScript('')).toEqual({ idleMs: null, locked: null });
  });

  it('the script goes as -EncodedCommand (UTF-16LE base64), so no quoting can break it', () => {
    expect(POWERSHELL_ARGS.slice(0, 3)).toEqual([
      '-NoProfile',
      '-NonInteractive',
      '-EncodedCommand',
    ]);
    expect(Buffer.from(POWERSHELL_ARGS[3]!, 'base64').toString('utf16le')).toBe(IDLE_SCRIPT);
    expect(IDLE_SCRIPT).toContain('GetLastInputInfo');
    expect(IDLE_SCRIPT).toContain('unchecked((uint)Environment.TickCount - i.dwTime)');
  });
});

describe('as a service (SYSTEM, session 0)', () => {
  it('idle time unknown (said in lacks); lock state from tasklist', async () => {
    const r = new FakeCommandRunner().on('tasklist', TASKLIST_ARGS, { stdout: LOGONUI_IN_1 });
    const w = createWindowsIdle({ commands: r, service: true });
    expect(w.lacks).toEqual([WINDOWS_SERVICE_IDLE_LACKS]);
    expect(w.idle.sources.map((s) => s.name)).toEqual(['windows']);
    expect(await w.idle.sources[0]!.read(alice)).toEqual({ idleMs: null, locked: true });
    r.on('tasklist', TASKLIST_ARGS, { stdout: NO_TASKS });
    expect(await w.idle.sources[0]!.read(alice)).toEqual({ idleMs: null, locked: false });
    expect(r.callsOf('powershell.exe')).toEqual([]);
  });

  it('a failing tasklist: unknown, said once', async () => {
    const said: string[] = [];
    const r = new FakeCommandRunner().on('tasklist', undefined, {
      code: 1,
      stderr: 'ERROR: Access denied\r\n',
    });
    const w = createWindowsIdle({ commands: r, service: true, say: (l) => said.push(l) });
    expect(await w.idle.sources[0]!.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(await w.idle.sources[0]!.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(said).toEqual([
      'idle: windows: tasklist failed: ERROR: Access denied; lock state unknown',
    ]);
  });

  it('locks by disconnecting the console session (tsdiscon), never with LockWorkStation', async () => {
    const r = new FakeCommandRunner().on('tsdiscon', ['1'], {});
    const w = createWindowsIdle({ commands: r, service: true });
    expect(await w.idle.locker.lock(alice)).toEqual({ ok: true, via: 'tsdiscon', tried: [] });
    expect(r.callsOf('rundll32.exe')).toEqual([]);
    // No session id from the session port: the console session from `query user`.
    r.on('query', ['user'], { stdout: QUSER }).on('tsdiscon', ['2'], {});
    expect(await w.idle.locker.lock({ name: 'alice', source: 'wts' })).toMatchObject({ ok: true });
    expect(r.callsOf('tsdiscon').at(-1)!.args).toEqual(['2']);
  });

  it('Windows Home (no tsdiscon) or no console session: ok false with the reason', async () => {
    const r = new FakeCommandRunner();
    const w = createWindowsIdle({ commands: r, service: true });
    expect(await w.idle.locker.lock(alice)).toEqual({
      ok: false,
      via: 'tsdiscon',
      error: 'tsdiscon: not installed (Windows Home has no tsdiscon)',
      tried: [{ via: 'tsdiscon', error: 'not installed (Windows Home has no tsdiscon)' }],
    });
    const q = new FakeCommandRunner().on('quser', [], { code: 1, stderr: 'No User exists for *' });
    const res = await createWindowsIdle({ commands: q, service: true }).idle.locker.lock({
      name: 'alice',
      source: 'wts',
    });
    expect(res.error).toBe('tsdiscon: no console session found (query user)');
    expect(q.callsOf('tsdiscon')).toEqual([]);
  });
});

describe('as the person (development)', () => {
  it('reads GetLastInputInfo and LogonUI through one PowerShell; nothing lacking', async () => {
    const r = new FakeCommandRunner().on('powershell.exe', POWERSHELL_ARGS, {
      stdout: '4200\r\nunlocked\r\n',
    });
    const w = createWindowsIdle({ commands: r, service: false });
    expect(w.lacks).toEqual([]);
    expect(await w.idle.sources[0]!.read(alice)).toEqual({ idleMs: 4200, locked: false });
    expect(r.calls[0]!.opts).toEqual({ timeoutMs: 15000 });
  });

  it('a PowerShell that fails or prints garbage: unknown, said once', async () => {
    const said: string[] = [];
    const r = new FakeCommandRunner().on('powershell.exe', undefined, {
      code: 1,
      stderr: 'Add-Type : Cannot add type.\r\n',
    });
    const w = createWindowsIdle({ commands: r, service: false, say: (l) => said.push(l) });
    expect(await w.idle.sources[0]!.read(alice)).toEqual({ idleMs: null, locked: null });
    r.on('powershell.exe', undefined, { stdout: 'WARNING: x\r\n' });
    expect(await w.idle.sources[0]!.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(await w.idle.sources[0]!.read(alice)).toEqual({ idleMs: null, locked: null });
    expect(said).toEqual([
      'idle: windows: the idle PowerShell failed: Add-Type : Cannot add type.; idle time unknown',
      'idle: windows: the idle PowerShell printed "WARNING: x"; idle time unknown',
    ]);
  });

  it('locks with LockWorkStation, else disconnects its own session', async () => {
    const r = new FakeCommandRunner().on('rundll32.exe', ['user32.dll,LockWorkStation'], {});
    const w = createWindowsIdle({ commands: r, service: false });
    expect(await w.idle.locker.lock(alice)).toEqual({
      ok: true,
      via: 'LockWorkStation',
      tried: [],
    });
    const f = new FakeCommandRunner()
      .on('rundll32.exe', undefined, { code: 1, stderr: '' })
      .on('tsdiscon', [], {});
    expect(
      await createWindowsIdle({ commands: f, service: false }).idle.locker.lock(alice),
    ).toEqual({
      ok: true,
      via: 'tsdiscon',
      tried: [{ via: 'LockWorkStation', error: 'exit 1' }],
    });
  });
});
