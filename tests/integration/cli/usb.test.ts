// USB device control as people see it in the CLI, against a real agent process on a
// fabricated sysfs (tests/helpers/fake-sysfs.ts, with its small fake kernel where the agent
// writes): `baomi usb list` (table in English and Chinese, --json, --rule pasted into a policy
// that `policy validate` accepts and decide() follows), a stick pulled, `baomi events` wording
// USB events, devices whose strings carry terminal escapes, newlines and bidi overrides; as
// root with --enforce the ports sealed, a new stick blocked, an allowed one authorized, a hub
// re-opened by hand found and sealed again; as nobody, --enforce refused with the reason.
// The real kernel is the VM test's (tests/e2e/usb/agent.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { parsePolicyText } from '../../../src/core/policy/index.js';
import type { UsbListEntry } from '../../../src/core/protocol/messages.js';
import { decide } from '../../../src/core/usb/decide.js';
import {
  type AgentDirs,
  type AgentProcess,
  agentDirs,
  BIN,
  installSignedPolicy,
  policyYaml,
  readEvents,
  startAgentProcess,
  stopAgent,
} from '../../helpers/agent.js';
import { FakeSysfs } from '../../helpers/fake-sysfs.js';
import { QEMU_KEYBOARD, QEMU_STICK } from '../../helpers/usb-descriptors.js';

const root = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

const NOTE = '财务部加密U盘';
const USB_POLICY = [
  'usb:',
  '  storage: block',
  '  rules:',
  `    - { vendor: "46f4", product: "0001", serial: "ALLOWED-0001", verdict: allow, note: ${NOTE} }`,
].join('\n');

/** What a hostile stick says about itself: colours, a line break, a bidi override, 300 more. */
const EVIL_SERIAL = `EVIL\u001b[31mRED\nNEXT\u202egpj.exe${'s'.repeat(300)}`;
const EVIL_PRODUCT = `Disk\u001b[2J\u009b31m\r\nFAKE\u202eexe${'p'.repeat(300)}`;
/** Raw characters that must never reach a terminal from a table (a newline ends a row only). */
const RAW_CONTROL =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The real `baomi`, asynchronously: the fake kernel runs in this process and must keep
 * reacting to the agent's writes while a command runs (spawnSync would freeze it).
 */
function cli(args: string[], env: Record<string, string> = {}, wrap: string[] = []): Promise<Run> {
  const [cmd, ...rest] = [...wrap, process.execPath, BIN, ...args];
  return new Promise((done) => {
    const child = spawn(cmd!, rest, {
      env: { ...process.env, LANG: 'en_US.UTF-8', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch {
      // not there yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const jsonLines = <T>(out: string): T[] =>
  out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

const eventFor = (events: BaomiEvent[], type: string, device: string) =>
  events.find((e) => e.type === type && e.data.device === device);

/** A row of a table: its cells, split where two or more spaces separate them. */
const cells = (line: string) => line.split(/ {2,}/);

describe('baomi usb list and events against an agent without --enforce (fabricated sysfs)', () => {
  let t: FakeSysfs;
  let d: AgentDirs;
  let agent: AgentProcess;
  let admin: string;
  const usbList = (extra: string[] = [], env: Record<string, string> = {}) =>
    cli(['usb', 'list', '--socket', admin, ...extra], env);

  beforeAll(async () => {
    t = new FakeSysfs();
    t.rootHub(1);
    t.rootHub(2);
    // Present before the agent starts, authorized by the kernel as usual (nothing sealed).
    const stick = { descriptors: QEMU_STICK, manufacturer: 'QEMU', product: 'QEMU USB HARDDRIVE' };
    t.plug('1-1', { ...stick, serial: 'BLOCKED-0001', authorized: '1' });
    t.plug('1-2', { ...stick, serial: 'ALLOWED-0001', authorized: '1' });
    t.plug('2-1', {
      descriptors: QEMU_KEYBOARD,
      product: 'QEMU USB Keyboard',
      serial: '68284',
      authorized: '1',
    });
    t.plug('2-2', {
      descriptors: QEMU_STICK,
      manufacturer: 'QEMU',
      product: EVIL_PRODUCT,
      serial: EVIL_SERIAL,
      authorized: '1',
    });
    d = agentDirs();
    admin = join(d.socketDir, 'admin.sock');
    installSignedPolicy(d, policyYaml(1, USB_POLICY));
    agent = startAgentProcess(d, ['--sysfs-root', t.sys]);
    await until(
      'every device decided',
      () =>
        readEvents(d.dataDir).filter((e) => /^usb\.(allowed|blocked)$/.test(e.type)).length >= 4,
    );
  });
  afterAll(async () => {
    if (agent) await stopAgent(agent);
    await t?.close();
    if (d) rmSync(d.root, { recursive: true, force: true });
  });

  it('the banner and the table say enforcement is off, and why', async () => {
    expect(agent.stdout()).toContain(
      'USB storage:    not enforced: the agent runs without --enforce (development)',
    );
    const r = await usbList();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [state] = r.stdout.split('\n');
    expect(state).toBe(
      'USB enforcement: off (the agent runs without --enforce (development): USB devices are decided and recorded, nothing is blocked); the verdicts below are what policy decides',
    );
    // Nothing was written: what the kernel authorized stays authorized.
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
    expect(t.attr('1-1', 'authorized')).toBe('1');
  });

  it('shows each device present with its verdict and the rule that decided', async () => {
    const r = await usbList();
    const lines = r.stdout.trimEnd().split('\n');
    expect(cells(lines[1]!).slice(0, 7)).toEqual([
      'STATE',
      'VERDICT',
      'VENDOR:PRODUCT',
      'SERIAL',
      'CLASS',
      'NAME',
      'DECIDED BY',
    ]);
    const row = (serial: string) => cells(lines.find((l) => l.includes(serial))!);
    expect(row('BLOCKED-0001').slice(0, 7)).toEqual([
      'present',
      'block',
      '46f4:0001',
      'BLOCKED-0001',
      '08',
      'QEMU QEMU USB HARDDRIVE',
      'usb.storage (no rule matched)',
    ]);
    expect(row('ALLOWED-0001').slice(0, 7)).toEqual([
      'present',
      'allow',
      '46f4:0001',
      'ALLOWED-0001',
      '08',
      'QEMU QEMU USB HARDDRIVE',
      `usb.rules[0] (${NOTE})`,
    ]);
    expect(row('68284').slice(0, 7)).toEqual([
      'present',
      'allow',
      '0627:0001',
      '68284',
      '03',
      'QEMU USB Keyboard',
      'not storage',
    ]);
    // Control characters in its strings are shown escaped, and decide nothing: a stick like
    // any other, blocked by usb.storage.
    expect(row('EVIL')[1]).toBe('block');
    expect(row('EVIL')).toContain('usb.storage (no rule matched)');
  });

  it('in Chinese: no English word left in the headers, the rules in Chinese', async () => {
    const r = await usbList([], { LANG: 'zh_CN.UTF-8' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^USB 管控：关闭（代理未以 --enforce 运行（开发模式）/);
    const head = cells(lines[1]!);
    expect(head).toEqual([
      '状态',
      '判定',
      '厂商:产品',
      '序列号',
      '类别',
      '名称',
      '判定依据',
      expect.stringMatching(/^最近出现（/),
      '指纹',
    ]);
    // The zone's name (an IANA id such as "Etc/UTC") is a name, not a word to translate.
    expect(lines[1]!.replace(/（[^）]*）/, '')).not.toMatch(/[A-Za-z]/);
    const row = (serial: string) => cells(lines.find((l) => l.includes(serial))!);
    // The verdicts too (--json keeps allow/block/read-only/audit).
    expect(row('BLOCKED-0001')[1]).toBe('阻止');
    expect(row('ALLOWED-0001')[1]).toBe('允许');
    expect(row('68284')[1]).toBe('允许');
    for (const l of lines.slice(2)) expect(cells(l)[1]).toMatch(/^(允许|阻止|只读|审计)/);
    expect(row('BLOCKED-0001')[0]).toBe('已插入');
    expect(row('BLOCKED-0001')[6]).toBe('usb.storage（无规则命中）');
    expect(row('ALLOWED-0001')[6]).toBe(`usb.rules[0]（${NOTE}）`);
    expect(row('68284')[6]).toBe('非存储设备');
  });

  it('--json is one object per line with the device, the decision and whether it is present', async () => {
    const r = await usbList(['--json']);
    expect(r.code).toBe(0);
    const list = jsonLines<UsbListEntry>(r.stdout);
    expect(list).toHaveLength(4);
    for (const e of list) {
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['device', 'decision', 'present']));
      expect(e.present).toBe(true);
      expect(e.applied).toBeUndefined(); // nothing enforced
    }
    const blocked = list.find((e) => e.device.serial === 'BLOCKED-0001')!;
    expect(blocked.device).toMatchObject({ id: '1-1', vendor: '46f4', product: '0001' });
    expect(blocked.device.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(blocked.decision).toMatchObject({ verdict: 'block', rule: { by: 'storage-default' } });
    expect(list.find((e) => e.device.serial === 'ALLOWED-0001')!.decision).toMatchObject({
      verdict: 'allow',
      rule: { by: 'rule', index: 0, note: NOTE },
    });
  });

  it('--rule prints lines that, pasted under usb.rules:, pass policy validate and allow that device', async () => {
    const r = await usbList(['--rule']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    const lines = r.stdout.trimEnd().split('\n');
    // A comment naming the device, then its rule: pairs.
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatch(/^# /);
    const pasted = lines.map((l) => `    ${l}`).join('\n');
    const text = policyYaml(2, `usb:\n  storage: block\n  rules:\n${pasted}\n`);
    const file = join(d.root, 'pasted.yaml');
    writeFileSync(file, text);
    const v = await cli(['policy', 'validate', file]);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);

    const parsed = parsePolicyText(text, { agentVersion: '0.2.0' });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.policy.usb.rules).toHaveLength(4);
    const devices = jsonLines<UsbListEntry>((await usbList(['--json'])).stdout).map(
      (e) => e.device,
    );
    const ctx = { now: Date.now(), user: null, locked: false, exceptions: [] };
    for (const device of devices) {
      const decision = decide(device, parsed.policy.usb, ctx);
      expect(decision.verdict, device.serial).toBe('allow');
      // A keyboard is allowed whatever the rules say (hid-kept); a stick by its own line.
      if (!decision.storage) continue;
      expect(decision.rule.by).toBe('rule');
      const rule = parsed.policy.usb.rules[(decision.rule as { index: number }).index]!;
      // The hostile stick's serial is longer than a rule may hold: its line names its hash.
      if (device.serial === EVIL_SERIAL)
        expect([rule.serial, rule.hash]).toEqual([undefined, device.hash]);
      else expect(rule.serial).toBe(device.serial);
    }
    expect(devices.find((x) => x.serial === 'BLOCKED-0001')).toBeDefined();
  });

  it('escapes what a hostile device says in the table, keeps it exactly in --json', async () => {
    const table = await usbList();
    expect(table.stdout).not.toMatch(RAW_CONTROL);
    // One row per device: the serial's newline did not start a row of its own.
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(2 + 4);
    const row = table.stdout.split('\n').find((l) => l.includes('EVIL'))!;
    expect(row).toContain(`EVIL\\u001b[31mRED\\nNEXT\\u202egpj.exe${'s'.repeat(300)}`);
    expect(row).toContain(`Disk\\u001b[2J\\u009b31m\\r\\nFAKE\\u202eexe`);

    const json = await usbList(['--json']);
    // JSON escapes: the C1 control and the override too, which JSON.stringify leaves raw.
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(json.stdout).toContain('\\u202e');
    const evil = jsonLines<UsbListEntry>(json.stdout).find((e) => e.device.id === '2-2')!;
    expect(evil.device.serial).toBe(EVIL_SERIAL);
    expect(evil.device.productName).toBe(EVIL_PRODUCT);
  });

  it('baomi events escapes them too; the stored event keeps the string as given (bounded)', async () => {
    const r = await cli(['events', '--socket', admin, '--type', 'usb.*']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    const evilRows = r.stdout.split('\n').filter((l) => l.includes('EVIL'));
    expect(evilRows.length).toBeGreaterThanOrEqual(2); // connected, blocked
    for (const l of evilRows) expect(l).toContain('\\u001b[31mRED\\nNEXT\\u202egpj.exe');

    const connected = eventFor(readEvents(d.dataDir), 'usb.connected', '2-2')!;
    expect(connected.data.serial).toBe(`${EVIL_SERIAL.slice(0, 256)}…`);
    expect(connected.data.productName).toBe(`${EVIL_PRODUCT.slice(0, 256)}…`);
    expect(String(connected.data.serial).startsWith('EVIL\u001b[31mRED\nNEXT\u202e')).toBe(true);
  });

  it('the events table words each USB event: device, rule, and that nothing was enforced', async () => {
    const en = await cli(['events', '--socket', admin, '--type', 'usb.*']);
    const detail = (out: string, type: string, serial: string) =>
      out.split('\n').find((l) => l.includes(` ${type} `) && l.includes(serial));
    expect(detail(en.stdout, 'usb.blocked', 'BLOCKED-0001')).toMatch(
      /46f4:0001 "QEMU USB HARDDRIVE" serial BLOCKED-0001 — usb\.storage \(no rule matched\) \[enforced: false: decided and recorded, nothing blocked\]$/,
    );
    expect(detail(en.stdout, 'usb.allowed', 'ALLOWED-0001')).toMatch(
      new RegExp(`serial ALLOWED-0001 — usb\\.rules\\[0\\] \\(${NOTE}\\) \\[enforced: false`),
    );
    expect(detail(en.stdout, 'usb.allowed', '68284')).toMatch(
      /0627:0001 "QEMU USB Keyboard" serial 68284 — not storage/,
    );
    expect(detail(en.stdout, 'usb.connected', 'BLOCKED-0001')).toMatch(
      /46f4:0001 "QEMU USB HARDDRIVE" serial BLOCKED-0001 \[present at start\]$/,
    );

    const zh = await cli(['events', '--socket', admin, '--type', 'usb.*'], {
      LANG: 'zh_CN.UTF-8',
    });
    expect(detail(zh.stdout, 'usb.blocked', 'BLOCKED-0001')).toMatch(
      /46f4:0001 "QEMU USB HARDDRIVE" 序列号 BLOCKED-0001 — usb\.storage（无规则命中） \[未执行管控（enforced: false）：只判定和记录，未拦截\]$/,
    );
    expect(detail(zh.stdout, 'usb.allowed', 'ALLOWED-0001')).toContain(
      `序列号 ALLOWED-0001 — usb.rules[0]（${NOTE}）`,
    );
    expect(detail(zh.stdout, 'usb.connected', 'BLOCKED-0001')).toMatch(/\[启动时已插入\]$/);
  });

  // Last: it changes the tree.
  it('a stick pulled from the tree shows as removed after the agent scans', async () => {
    t.unplug('1-1');
    const started = Date.now();
    const gone = await until('the stick shown removed', async () => {
      const list = jsonLines<UsbListEntry>((await usbList(['--json'])).stdout);
      const e = list.find((x) => x.device.serial === 'BLOCKED-0001');
      return e && !e.present ? e : undefined;
    });
    // The adapter scans every 500 ms; generous for a loaded machine.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(gone.present).toBe(false);
    const table = await usbList();
    const row = cells(table.stdout.split('\n').find((l) => l.includes('BLOCKED-0001'))!);
    expect(row[0]).toBe('removed');
    const zh = await usbList([], { LANG: 'zh_CN.UTF-8' });
    expect(zh.stdout.split('\n').find((l) => l.includes('BLOCKED-0001'))).toMatch(/^已拔出/);
    // Present first: the removed stick comes after every present device.
    const order = jsonLines<UsbListEntry>((await usbList(['--json'])).stdout).map((e) => e.present);
    expect(order).toEqual([true, true, true, false]);
    const events = await cli(['events', '--socket', admin, '--type', 'usb.removed']);
    expect(events.stdout).toMatch(/usb\.removed .*46f4:0001 serial BLOCKED-0001$/m);
  });
});

describe.runIf(root)('as root with --enforce on a fabricated sysfs', () => {
  let t: FakeSysfs;
  let d: AgentDirs;
  let agent: AgentProcess;
  let admin: string;

  beforeAll(async () => {
    t = new FakeSysfs();
    t.rootHub(1);
    t.rootHub(2);
    // A blocked stick that was working before the agent started: taken away at start.
    t.plug('1-1', {
      descriptors: QEMU_STICK,
      product: 'QEMU USB HARDDRIVE',
      serial: 'EARLY-0001',
      authorized: '1',
    });
    await t.startKernel();
    d = agentDirs();
    admin = join(d.socketDir, 'admin.sock');
    installSignedPolicy(d, policyYaml(1, USB_POLICY));
    agent = startAgentProcess(d, ['--sysfs-root', t.sys, '--enforce']);
    await until('the early stick decided', () =>
      eventFor(readEvents(d.dataDir), 'usb.blocked', '1-1'),
    );
  });
  afterAll(async () => {
    if (agent) await stopAgent(agent);
    await t?.close();
    if (d) rmSync(d.root, { recursive: true, force: true });
  });

  it('seals every root hub at start; status and the banner say it enforces', async () => {
    expect(t.attr('usb1', 'authorized_default')).toBe('0');
    expect(t.attr('usb2', 'authorized_default')).toBe('0');
    expect(agent.stdout()).toContain('USB storage:    enforced (ports sealed');
    const s = await cli(['status', '--json', '--socket', admin]);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).usb).toMatchObject({ enforcing: true });
    expect(JSON.parse(s.stdout).usb.reason).toBeUndefined();
    expect((await cli(['usb', 'list', '--socket', admin])).stdout).toMatch(
      /^USB enforcement: on \(new devices wait until they are decided\)\n/,
    );
    // The stick that was working before is unauthorized now: its interfaces are gone.
    expect(t.attr('1-1', 'authorized')).toBe('0');
    expect(t.interfaceFolders('1-1')).toEqual([]);
  });

  it('a stick plugged now stays unauthorized and usb.blocked is in baomi events', async () => {
    t.plug('2-1', { descriptors: QEMU_STICK, product: 'QEMU USB HARDDRIVE', serial: 'NEW-0001' });
    await until('blocked', () => eventFor(readEvents(d.dataDir), 'usb.blocked', '2-1'));
    await t.settle(300);
    expect(t.attr('2-1', 'authorized')).toBe('0');
    expect(t.interfaceFolders('2-1')).toEqual([]);
    const r = await cli(['events', '--socket', admin, '--type', 'usb.blocked', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const blocked = jsonLines<BaomiEvent>(r.stdout).find((e) => e.data.device === '2-1');
    expect(blocked).toMatchObject({
      type: 'usb.blocked',
      severity: 'medium',
      data: { serial: 'NEW-0001', verdict: 'block', enforced: true, because: 'plugged' },
    });
    const table = await cli(['events', '--socket', admin, '--type', 'usb.blocked']);
    const line = table.stdout.split('\n').find((l) => l.includes('NEW-0001'))!;
    expect(line).toMatch(/serial NEW-0001 — usb\.storage \(no rule matched\)$/);
    expect(line).not.toContain('enforced: false');
  });

  it('an allowed stick is authorized and its storage interface gets a driver', async () => {
    t.plug('2-2', {
      descriptors: QEMU_STICK,
      product: 'QEMU USB HARDDRIVE',
      serial: 'ALLOWED-0001',
    });
    const e = await until('allowed', () => eventFor(readEvents(d.dataDir), 'usb.allowed', '2-2'));
    expect(e.data).toMatchObject({ enforced: true, rule: { by: 'rule', index: 0, note: NOTE } });
    expect(t.attr('2-2', 'authorized')).toBe('1');
    await until('bound', () => t.interfaceFolders('2-2').some((f) => t.bound(f)));
    const list = jsonLines<UsbListEntry>(
      (await cli(['usb', 'list', '--json', '--socket', admin])).stdout,
    );
    expect(list.find((x) => x.device.id === '2-2')).toMatchObject({
      applied: 'allow',
      present: true,
    });
  });

  it('a root hub opened by hand is found when usb list asks, sealed again and recorded', async () => {
    // The module's own check runs every minute; `baomi usb list` reads the seal back at once.
    t.setAttr('usb1', 'authorized_default', '1');
    const r = await cli(['usb', 'list', '--socket', admin]);
    expect(r.stdout).toMatch(/^USB enforcement: on/);
    const lost = await until('enforcement-lost', () =>
      readEvents(d.dataDir).find((e) => e.type === 'usb.enforcement-lost'),
    );
    expect(lost).toMatchObject({
      severity: 'high',
      data: { open: ['usb1'], resealed: true, why: 'check' },
    });
    expect(t.attr('usb1', 'authorized_default')).toBe('0');
    const s = JSON.parse((await cli(['status', '--json', '--socket', admin])).stdout);
    expect(s.usb).toMatchObject({ enforcing: true, lastLost: { open: ['usb1'], resealed: true } });
    expect(Math.abs(s.usb.lastLost.at - lost.ts)).toBeLessThan(1000);
    const text = await cli(['status', '--socket', admin]);
    expect(text.stdout).toMatch(/found open at .*: usb1; sealed again \(usb\.enforcement-lost\)/);
    const events = await cli(['events', '--socket', admin, '--type', 'usb.enforcement-lost']);
    expect(events.stdout).toMatch(
      /usb\.enforcement-lost\s+high\s+.*USB ports found open: usb1 \(found by the seal check\); sealed again$/m,
    );
    const zh = await cli(['events', '--socket', admin, '--type', 'usb.enforcement-lost'], {
      LANG: 'zh_CN.UTF-8',
    });
    expect(zh.stdout).toContain('USB 端口被发现处于开放状态：usb1（封闭检查时发现）；已重新封闭');
  });

  it('a hub opened by hand is recorded, not sealed silently, when a new controller appears', async () => {
    const before = readEvents(d.dataDir).filter((e) => e.type === 'usb.enforcement-lost').length;
    t.setAttr('usb2', 'authorized_default', '1');
    t.rootHub(3); // a dock: a new controller, open as the kernel makes it
    const lost = await until('the re-opened hub recorded', () => {
      const all = readEvents(d.dataDir).filter((e) => e.type === 'usb.enforcement-lost');
      return all.length > before ? all[before] : undefined;
    });
    expect(lost.data).toMatchObject({ open: ['usb2'], resealed: true, why: 'new-controller' });
    await until('all sealed', () =>
      ['usb1', 'usb2', 'usb3'].every((h) => t.attr(h, 'authorized_default') === '0'),
    );
    const s = JSON.parse((await cli(['status', '--json', '--socket', admin])).stdout);
    expect(s.usb).toMatchObject({ enforcing: true, lastLost: { open: ['usb2'] } });
  });

  it('usb release is refused while the agent runs; once it stopped, it opens what was sealed', async () => {
    const release = (extra: string[] = []) =>
      cli(['usb', 'release', '--sysfs-root', t.sys, '--socket', admin, ...extra]);
    const refused = await release();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/An agent answers on .*admin\.sock.*Stop it first/);
    // Asked about another socket, the agent is still found by its process (same sysfs).
    const elsewhere = await cli([
      'usb',
      'release',
      '--sysfs-root',
      t.sys,
      '--socket',
      join(d.root, 'nothing.sock'),
    ]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(
      new RegExp(`agent enforcing USB runs as process ${agent.child.pid}`),
    );
    expect(t.attr('usb1', 'authorized_default')).toBe('0');
    await stopAgent(agent);
    // Stopped, the agent leaves everything sealed (fail closed).
    for (const hub of ['usb1', 'usb2', 'usb3']) expect(t.attr(hub, 'authorized_default')).toBe('0');
    expect(readFileSync(t.usbcoreDefault, 'utf8').trim()).toBe('0');
    // A hub an administrator set to "internal ports only" after the agent stopped: left so.
    t.setAttr('usb3', 'authorized_default', '2');
    const r = await release(['--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, stillSealed: [], kept: [] });
    expect(out.released.sort()).toEqual(
      [
        'usb1',
        'usb1:interfaces',
        'usb2',
        'usb2:interfaces',
        'usb3:interfaces',
        'usbcore.authorized_default',
      ].sort(),
    );
    expect(out.alreadyOpen).toEqual(['usb3']);
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
    expect(t.attr('usb2', 'authorized_default')).toBe('1');
    expect(t.attr('usb3', 'authorized_default')).toBe('2');
    expect(t.attr('usb1', 'interface_authorized_default')).toBe('1');
    expect(readFileSync(t.usbcoreDefault, 'utf8').trim()).toBe('-1');
    // A stick that was blocked stays so until it is plugged in again.
    expect(t.attr('1-1', 'authorized')).toBe('0');
    const zh = await cli(['usb', 'release', '--sysfs-root', t.sys, '--socket', admin], {
      LANG: 'zh_CN.UTF-8',
    });
    expect(zh.code).toBe(0);
    expect(zh.stdout).toMatch(/^代理所做的封闭当前均已不在/);
    // The kernel's own usbcore.authorized_default=0 (an administrator's hardening from before
    // the agent) is given back, not opened: such a machine stays sealed, and says so.
    writeFileSync(t.usbcoreDefault, '0\n');
    t.setAttr('usb1', 'authorized_default', '0');
    mkdirSync(join(t.root, 'proc'), { recursive: true });
    writeFileSync(
      join(t.root, 'proc', 'cmdline'),
      'BOOT_IMAGE=/vmlinuz ro usbcore.authorized_default=0 quiet\n',
    );
    const kept = await release();
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(
      /^Left sealed as this computer sets it itself.*: usb1, usbcore\.authorized_default\.$/m,
    );
    expect(t.attr('usb1', 'authorized_default')).toBe('0');
    expect(readFileSync(t.usbcoreDefault, 'utf8').trim()).toBe('0');
  });
});

describe.runIf(root && hasSetpriv)('as nobody with --enforce', () => {
  let t: FakeSysfs;
  let d: AgentDirs;
  let agent: AgentProcess;
  let home: string;
  const asNobody = (args: string[], lang = 'en_US.UTF-8') =>
    cli(
      args,
      {
        LANG: lang,
        HOME: home,
        XDG_RUNTIME_DIR: join(home, 'run'),
        XDG_DATA_HOME: join(home, 'data'),
        BAOMI_TEST_SYSTEM_SOCKET_DIR: join(home, 'none'),
      },
      NOBODY,
    );

  beforeAll(async () => {
    t = new FakeSysfs();
    chmodSync(t.root, 0o755);
    t.rootHub(1);
    t.plug('1-1', {
      descriptors: QEMU_STICK,
      product: 'QEMU USB HARDDRIVE',
      serial: 'BLOCKED-0001',
      authorized: '1',
    });
    d = agentDirs();
    chmodSync(d.root, 0o755);
    home = join(d.root, 'nobody');
    for (const sub of ['', 'run', 'data']) {
      mkdirSync(join(home, sub), { recursive: true, mode: 0o700 });
      chownSync(join(home, sub), 65534, 65534);
    }
    installSignedPolicy(d, policyYaml(1, USB_POLICY));
    const dirs = {
      ...d,
      dataDir: join(home, 'data', 'agent'),
      socketDir: join(home, 'run', 'baomi'),
    };
    d = dirs;
    agent = startAgentProcess(dirs, ['--sysfs-root', t.sys, '--enforce'], NOBODY);
    await until('the stick decided', () =>
      eventFor(readEvents(dirs.dataDir), 'usb.blocked', '1-1'),
    );
  });
  afterAll(async () => {
    if (agent) await stopAgent(agent);
    await t?.close();
    if (d) rmSync(d.root, { recursive: true, force: true });
  });

  it('says in its banner and in status why it does not enforce, and keeps recording', async () => {
    expect(agent.stdout()).toContain(
      'USB storage:    not enforced: blocking USB devices needs root (Administrator on Windows): decisions are recorded, nothing is blocked',
    );
    const admin = join(d.socketDir, 'admin.sock');
    const s = await asNobody(['status', '--json', '--socket', admin]);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).usb).toMatchObject({ enforcing: false, reason: 'USB_NOT_ROOT' });
    const text = await asNobody(['status', '--socket', admin]);
    expect(text.stdout).toContain('USB enforcement: off (blocking USB devices needs root');
    const zh = await asNobody(['status', '--socket', admin], 'zh_CN.UTF-8');
    expect(zh.stdout).toContain('拦截 USB 设备需要 root');
    // Recorded, not enforced: the stick keeps working, the event says so.
    const blocked = eventFor(readEvents(d.dataDir), 'usb.blocked', '1-1')!;
    expect(blocked.data).toMatchObject({ verdict: 'block', enforced: false });
    expect(t.attr('1-1', 'authorized')).toBe('1');
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
    const events = await asNobody(['events', '--socket', admin, '--type', 'usb.blocked']);
    expect(events.stdout).toMatch(
      /serial BLOCKED-0001 — usb\.storage \(no rule matched\) \[enforced: false/,
    );
  });
});
