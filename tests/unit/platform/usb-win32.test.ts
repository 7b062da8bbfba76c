// The Windows USB adapter against scripted commands: a recorded Get-PnpDevice list (a stick,
// a Logitech receiver, a keyboard with a card reader, an Android phone, a hostile name, nodes
// with missing fields), `reg query` output, and a small simulated Windows that answers
// pnputil, reg and the state script the way the PnP manager would, so the order of the gates
// (open, start, close) and the read back are checked, not only the argv.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Decision, UsbDevice } from '../../../src/core/usb/types.js';
import { FakeClock } from '../../../src/platform/fake/clock.js';
import { type CommandCall, FakeCommandRunner } from '../../../src/platform/fake/commands.js';
import {
  createWindowsUsb,
  DENY_CLASSES_KEY,
  ELEVATED_SCRIPT,
  FOUND_KEY,
  IMAGE_CLASS,
  LIST_SCRIPT,
  pnputilUsbIds,
  RESTRICTIONS_KEY,
  STATE_SCRIPT,
  STORAGE_POLICIES_KEY,
  safeInstanceId,
  UASPSTOR_KEY,
  USBSTOR_KEY,
  WPD_CLASS,
  windowsIsElevated,
} from '../../../src/platform/win32/usb.js';
import { devicesOf, instanceParts, parseNodes } from '../../../src/platform/win32/usb-parse.js';
import { dwordOf, parseRegQuery } from '../../../src/platform/win32/usb-reg.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const PNP = fixture('win32-pnp-usb.json');

const STICK = 'USB\\VID_0781&PID_5581\\4C530001120828107441';
const RECEIVER = 'USB\\VID_046D&PID_C52B\\5&1A2B3C4D&0&2';
const KBD = 'USB\\VID_04D9&PID_A0F8\\6&1D9E4C2B&0&3';
const KBD_READER = 'USB\\VID_04D9&PID_A0F8&MI_01\\7&5A4E3F1&0&0001';
const PHONE = 'USB\\VID_18D1&PID_4EE1\\0A1B2C3D4E5F';

const decision = (
  verdict: Decision['verdict'],
  interfaces: Decision['interfaces'] = [],
): Decision => ({
  verdict,
  rule: { by: 'storage-default' },
  storage: true,
  hid: false,
  interfaces,
});

/**
 * A Windows that answers like the PnP manager: nodes with a problem code, a registry, and
 * pnputil that starts a mass-storage node only while USBSTOR's start type is 3, and installs
 * a denied-class node only while DenyDeviceClasses is 0.
 */
class FakeWindows {
  readonly r = new FakeCommandRunner();
  readonly reg = new Map<string, { type: string; data: string }>();
  readonly nodes = new Map<string, { present: boolean; problem: number; storage: boolean }>();
  listJson = PNP;
  constructor() {
    for (const n of parseNodes(PNP)) {
      this.nodes.set(n.id.toUpperCase(), {
        present: true,
        problem: n.problem ?? 0,
        storage: n.compatibleIds.some((c) => /^USB\\Class_08/i.test(c)),
      });
    }
    this.setReg(USBSTOR_KEY, 'Start', 'REG_DWORD', '0x3');
    this.setReg(UASPSTOR_KEY, 'Start', 'REG_DWORD', '0x3');
    const ps = (script: string) => (a: readonly string[]) => a[3] === script;
    this.r.on('powershell.exe', ps(LIST_SCRIPT), () => ({ stdout: this.listJson }));
    this.r.on('powershell.exe', ps(STATE_SCRIPT), (c) => ({ stdout: this.stateJson(c) }));
    this.r.on('reg.exe', undefined, (c) => this.regExe(c.args));
    this.r.on('pnputil.exe', undefined, (c) => this.pnputil(c.args));
  }

  setReg(key: string, name: string, type: string, data: string) {
    this.reg.set(`${key.toLowerCase()}|${name.toLowerCase()}`, { type, data });
  }

  regValue(key: string, name: string) {
    return this.reg.get(`${key.toLowerCase()}|${name.toLowerCase()}`)?.data;
  }

  private stateJson(c: CommandCall): string {
    const ids = (c.opts.env?.BAOMI_IDS ?? '').split('\n');
    const out = ids
      .map((id) => ({ id, s: this.nodes.get(id.toUpperCase()) }))
      .filter((x) => x.s)
      .map((x) => ({ id: x.id, present: x.s!.present, problem: x.s!.problem }));
    return JSON.stringify(out);
  }

  private regExe(args: string[]) {
    expect(args.at(-1)).toBe('/reg:64');
    const [verb, key] = args as [string, string];
    if (verb === 'add') {
      const name = args[args.indexOf('/v') + 1]!;
      const type = args[args.indexOf('/t') + 1]!;
      const d = args[args.indexOf('/d') + 1]!;
      this.setReg(key, name, type, type === 'REG_DWORD' ? `0x${Number(d).toString(16)}` : d);
      return { stdout: 'The operation completed successfully.\r\n' };
    }
    if (verb === 'delete') {
      const v = args.indexOf('/v');
      if (v < 0) {
        for (const k of [...this.reg.keys()])
          if (k.startsWith(`${key.toLowerCase()}|`)) this.reg.delete(k);
      } else this.reg.delete(`${key.toLowerCase()}|${args[v + 1]!.toLowerCase()}`);
      return { stdout: 'The operation completed successfully.\r\n' };
    }
    const v = args.indexOf('/v');
    const prefix = `${key.toLowerCase()}|`;
    const hits = [...this.reg].filter(
      ([k]) => k.startsWith(prefix) && (v < 0 || k === prefix + args[v + 1]!.toLowerCase()),
    );
    if (!hits.length)
      return {
        code: 1,
        stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n',
      };
    const lines = hits.map(([k, x]) => `    ${k.slice(prefix.length)}    ${x.type}    ${x.data}`);
    return { stdout: `\r\n${key}\r\n${lines.join('\r\n')}\r\n\r\n` };
  }

  private pnputil(args: string[]) {
    const [verb, id] = args;
    if (verb === '/scan-devices') {
      if (this.regValue(RESTRICTIONS_KEY, 'DenyDeviceClasses') !== '0x1')
        for (const s of this.nodes.values()) if (s.problem === 28) s.problem = 0;
      return { stdout: 'Scanning for device hardware changes.\r\n' };
    }
    const s = this.nodes.get((id ?? '').toUpperCase());
    if (!s) return { code: 1, stderr: 'No devices were found on the system.' };
    if (verb === '/disable-device') s.problem = 22;
    if (verb === '/enable-device') s.problem = s.storage ? 32 : 0;
    if (verb === '/restart-device' && s.problem !== 22)
      s.problem = s.storage && this.regValue(USBSTOR_KEY, 'Start') !== '0x3' ? 32 : 0;
    return { stdout: 'Device enabled successfully.\r\n' };
  }

  /** The commands run, in order, in a short form (PowerShell by what it asked). */
  trail(): string[] {
    return this.r.calls.map((c) => {
      if (c.cmd === 'powershell.exe')
        return c.args[3] === STATE_SCRIPT
          ? 'ps:state'
          : c.args[3] === LIST_SCRIPT
            ? 'ps:list'
            : 'ps';
      if (c.cmd === 'reg.exe') {
        const name = c.args[c.args.indexOf('/v') + 1];
        const d = c.args.includes('/d') ? `=${c.args[c.args.indexOf('/d') + 1]}` : '';
        return `reg ${c.args[0]} ${c.args[1]!.split('\\').at(-1)} ${name}${d}`;
      }
      return [c.cmd, ...c.args].join(' ');
    });
  }
}

function adapter(w: FakeWindows, o: { admin?: boolean; clock?: FakeClock } = {}) {
  const said: string[] = [];
  const clock = o.clock ?? new FakeClock();
  const usb = createWindowsUsb({
    commands: w.r,
    clock,
    isAdmin: async () => o.admin ?? true,
    say: (l) => said.push(l),
  });
  return { usb, said, clock };
}

/** Runs p while moving the fake clock, so waits inside the adapter pass. */
async function drive<T>(clock: FakeClock, p: Promise<T>): Promise<T> {
  let done = false;
  void p.finally(() => {
    done = true;
  });
  for (let i = 0; i < 200 && !done; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advance(500);
  }
  return p;
}

async function present(
  w: FakeWindows,
  a: ReturnType<typeof adapter>,
  id: string,
): Promise<UsbDevice> {
  const d = (await a.usb.list()).find((x) => x.id === id);
  expect(d, id).toBeDefined();
  w.r.calls.length = 0;
  return d!;
}

describe('Windows: the device list', () => {
  it('reads vendor, product, serial and classes from instance and compatible ids', () => {
    const devices = devicesOf(parseNodes(PNP)).map((d) => d.device);
    const byId = new Map(devices.map((d) => [d.id, d]));
    expect(byId.get(STICK)).toEqual({
      id: STICK,
      bus: 'usb',
      vendor: '0781',
      product: '5581',
      serial: '4C530001120828107441',
      productName: ' SanDisk 3.2Gen1',
      deviceClass: '00',
      interfaces: [{ number: 0, alt: 0, class: '08', subclass: '06', protocol: '50' }],
    });
    // A serial-less device: Windows made up the last part, so there is no serial.
    expect(byId.get(RECEIVER)).toMatchObject({
      vendor: '046d',
      product: 'c52b',
      deviceClass: '00',
    });
    expect(byId.get(RECEIVER)!.serial).toBeUndefined();
    expect(byId.get(RECEIVER)!.interfaces.map((i) => [i.number, i.class, i.protocol])).toEqual([
      [0, '03', '01'],
      [1, '03', '02'],
    ]);
    expect(byId.get(KBD)!.interfaces.map((i) => i.class)).toEqual(['03', '08']);
    // The phone named its function MTP through the Microsoft OS descriptor.
    expect(byId.get(PHONE)!.interfaces).toEqual([
      { number: 0, alt: 0, class: 'ff', subclass: 'ff', protocol: '00', name: 'MTP' },
    ]);
    const hub = devices.find((d) => d.id.startsWith('USB\\ROOT_HUB30'))!;
    expect(hub).toMatchObject({
      vendor: '8086',
      product: '9d2f',
      deviceClass: '09',
      interfaces: [],
    });
    // No device has a hash on Windows: the descriptors cannot be read.
    expect(devices.every((d) => d.hash === undefined)).toBe(true);
    // Functions are not devices of their own.
    expect(devices.some((d) => d.id.includes('&MI_'))).toBe(false);
  });

  it('keeps a hostile product string as data and names what is missing', () => {
    const devices = devicesOf(parseNodes(PNP)).map((d) => d.device);
    const evil = devices.find((d) => d.vendor === 'abcd')!;
    expect(evil.productName).toBe('"; rm -rf / #\nU盘 \u202egpj.exe\'$(x)');
    expect(evil.serial).toBe('EVIL0001');
    // A node with no compatible ids: no class, said, so decisions fail closed.
    const bare = devices.find((d) => d.vendor === '1a86')!;
    expect(bare.interfaces).toEqual([]);
    expect(bare.problems).toEqual(['no class in the compatible ids']);
    // The entry with no id is skipped, not a device with an empty id.
    expect(devices.some((d) => d.id === '')).toBe(false);
  });

  it('finds a function whose parent property is missing by vendor and product', () => {
    const nodes = parseNodes(PNP).map((n) =>
      n.id.includes('&MI_') ? { ...n, parent: undefined } : n,
    );
    const kbd = devicesOf(nodes).find((d) => d.device.id === KBD)!;
    expect([...kbd.functions.keys()]).toEqual([0, 1]);
    const orphan = devicesOf(nodes.filter((n) => n.id !== KBD)).find((d) =>
      d.device.id.includes('A0F8&MI_00'),
    );
    expect(orphan?.device.problems).toEqual(['a function whose device was not found']);
  });

  it('parses instance ids strictly', () => {
    expect(instanceParts('USB\\VID_0781&PID_5581&MI_02\\7&1&0&0002')).toEqual({
      vendor: '0781',
      product: '5581',
      mi: 2,
    });
    expect(instanceParts('USBSTOR\\DISK&VEN_SANDISK\\4C53&0')).toBeUndefined();
    expect(instanceParts('USB\\VID_07&PID_5581\\X')).toBeUndefined();
  });

  it('refuses output that is not the JSON it asked for', () => {
    expect(() => parseNodes('Get-PnpDevice : Access denied')).toThrow();
    expect(() => parseNodes('[1, 2]')).toThrow(/not a list/);
    expect(parseNodes('')).toEqual([]);
    expect(parseNodes('\uFEFF{"id":"USB\\\\VID_0781&PID_5581\\\\X","problem":0}')).toHaveLength(1);
  });

  it('list() runs one PowerShell without a profile, and fails loudly when it cannot', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    expect(await a.usb.list()).toHaveLength(7);
    expect(w.r.calls[0]).toMatchObject({
      cmd: 'powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-Command', LIST_SCRIPT],
    });
    expect(LIST_SCRIPT).toContain('Get-PnpDevice -PresentOnly');
    expect(LIST_SCRIPT).toContain('[Text.Encoding]::UTF8');
    expect(a.said.join('\n')).toMatch(/no hash here/);
    w.r.missing('powershell.exe');
    await expect(a.usb.list()).rejects.toThrow(/powershell.exe is missing/);
    w.r.on('powershell.exe', undefined, { code: null, timedOut: true });
    await expect(a.usb.list()).rejects.toThrow(/timed out/);
    w.r.on('powershell.exe', undefined, { stdout: 'WARNING: garbage' });
    await expect(a.usb.list()).rejects.toThrow(/not JSON/);
  });
});

describe('Windows: sealing', () => {
  it('disables USBSTOR and UASPStor, denies the WPD and Image classes, and reads it back', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    expect(await a.usb.sealState()).toEqual({
      sealed: false,
      open: ['USBSTOR', 'UASPStor', 'DenyDeviceClasses', 'WPD class', 'Image class'],
      reason: 'USB_SEAL_OPEN',
    });
    w.r.calls.length = 0;
    expect(await a.usb.seal()).toEqual({ sealed: true, open: [] });
    const all = w.r.callsOf('reg.exe').filter((c) => c.args[0] === 'add');
    // First, what the machine had (for release() to give back), then the seal.
    expect(all.filter((c) => c.args[1] === FOUND_KEY).map((c) => c.args.slice(2, 7))).toEqual([
      ['/v', 'UsbstorStart', '/t', 'REG_SZ', '/d'],
      ['/v', 'UaspstorStart', '/t', 'REG_SZ', '/d'],
      ['/v', 'DenyDeviceClasses', '/t', 'REG_SZ', '/d'],
      ['/v', 'WriteProtect', '/t', 'REG_SZ', '/d'],
    ]);
    const adds = all.filter((c) => c.args[1] !== FOUND_KEY).map((c) => c.args);
    expect(adds).toEqual([
      ['add', USBSTOR_KEY, '/v', 'Start', '/t', 'REG_DWORD', '/d', '4', '/f', '/reg:64'],
      ['add', UASPSTOR_KEY, '/v', 'Start', '/t', 'REG_DWORD', '/d', '4', '/f', '/reg:64'],
      ['add', DENY_CLASSES_KEY, '/v', '1', '/t', 'REG_SZ', '/d', WPD_CLASS, '/f', '/reg:64'],
      ['add', DENY_CLASSES_KEY, '/v', '2', '/t', 'REG_SZ', '/d', IMAGE_CLASS, '/f', '/reg:64'],
      [
        'add',
        RESTRICTIONS_KEY,
        '/v',
        'DenyDeviceClasses',
        '/t',
        'REG_DWORD',
        '/d',
        '1',
        '/f',
        '/reg:64',
      ],
    ]);
    // Sealing again adds nothing twice.
    w.r.calls.length = 0;
    await a.usb.seal();
    const again = w.r.callsOf('reg.exe').filter((c) => c.args[0] === 'add');
    expect(again.map((c) => c.args[1])).toEqual([USBSTOR_KEY, UASPSTOR_KEY, RESTRICTIONS_KEY]);
    expect(
      [...w.reg.keys()].filter((k) => k.startsWith(DENY_CLASSES_KEY.toLowerCase())),
    ).toHaveLength(2);
  });

  it("keeps an administrator's own denied classes and takes the next free names", async () => {
    const w = new FakeWindows();
    w.setReg(DENY_CLASSES_KEY, '1', 'REG_SZ', '{e0cbf06c-cd8b-4647-bb8a-263b43f0f974}'); // Bluetooth
    w.setReg(DENY_CLASSES_KEY, '2', 'REG_SZ', WPD_CLASS.toUpperCase());
    const a = adapter(w);
    expect(await a.usb.seal()).toEqual({ sealed: true, open: [] });
    expect(w.regValue(DENY_CLASSES_KEY, '1')).toBe('{e0cbf06c-cd8b-4647-bb8a-263b43f0f974}');
    expect(w.regValue(DENY_CLASSES_KEY, '3')).toBe(IMAGE_CLASS);
  });

  it('sees USBSTOR re-opened behind its back, and an unreadable registry as not sealed', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    await a.usb.seal();
    w.setReg(USBSTOR_KEY, 'Start', 'REG_DWORD', '0x3');
    expect(await a.usb.sealState()).toEqual({
      sealed: false,
      open: ['USBSTOR'],
      reason: 'USB_SEAL_OPEN',
    });
    w.r.on('reg.exe', undefined, { code: null, timedOut: true });
    const s = await a.usb.sealState();
    expect(s.sealed).toBe(false);
    expect(s.open[0]).toMatch(/^USBSTOR \(unreadable: reg query timed out\)/);
    expect(a.said.some((l) => l.includes('cannot be read back'))).toBe(true);
  });

  it('without Administrator: nothing is written, the reason is USB_NOT_ROOT', async () => {
    const w = new FakeWindows();
    const a = adapter(w, { admin: false });
    expect(await a.usb.enforceProblem()).toBe('USB_NOT_ROOT');
    expect(await a.usb.seal()).toEqual({ sealed: false, open: [], reason: 'USB_NOT_ROOT' });
    expect(w.r.callsOf('reg.exe')).toEqual([]);
    const d = await present(w, a, STICK);
    const r = await a.usb.apply(d, decision('allow'));
    expect(r).toEqual({ applied: 'block', error: 'USB_NOT_ROOT' }); // read back: it does not run
    expect(w.r.callsOf('pnputil.exe')).toEqual([]);
  });

  it('asks PowerShell whether it runs elevated; anything but True is no', async () => {
    const yes = new FakeCommandRunner().on(
      'powershell.exe',
      ['-NoProfile', '-NonInteractive', '-Command', ELEVATED_SCRIPT],
      { stdout: 'True\r\n' },
    );
    expect(await windowsIsElevated(yes)).toBe(true);
    expect(await windowsIsElevated(new FakeCommandRunner())).toBe(false);
    const no = new FakeCommandRunner().on('powershell.exe', undefined, { stdout: 'False\r\n' });
    expect(await windowsIsElevated(no)).toBe(false);
  });
});

describe('Windows: releasing the seal (the agent removed)', () => {
  const BLUETOOTH = '{e0cbf06c-cd8b-4647-bb8a-263b43f0f974}';

  it('opens USBSTOR and UASPStor, takes only our classes out, turns WriteProtect off', async () => {
    const w = new FakeWindows();
    w.setReg(DENY_CLASSES_KEY, '1', 'REG_SZ', BLUETOOTH); // an administrator's own
    const a = adapter(w);
    await a.usb.seal();
    expect(w.regValue(FOUND_KEY, 'UsbstorStart')).toBe('3');
    w.setReg(STORAGE_POLICIES_KEY, 'WriteProtect', 'REG_DWORD', '0x1'); // a read-only device
    expect(await a.usb.release()).toEqual({
      released: ['USBSTOR', 'UASPStor', 'WPD class', 'Image class', 'WriteProtect'],
      alreadyOpen: [],
      kept: ['DenyDeviceClasses'],
      stillSealed: [],
    });
    expect(w.regValue(USBSTOR_KEY, 'Start')).toBe('0x3');
    expect(w.regValue(UASPSTOR_KEY, 'Start')).toBe('0x3');
    expect(w.regValue(DENY_CLASSES_KEY, '1')).toBe(BLUETOOTH);
    // The administrator's class is still denied: the restriction stays on.
    expect(w.regValue(RESTRICTIONS_KEY, 'DenyDeviceClasses')).toBe('0x1');
    expect(w.regValue(STORAGE_POLICIES_KEY, 'WriteProtect')).toBe('0x0');
    expect(w.regValue(FOUND_KEY, 'UsbstorStart')).toBeUndefined(); // given back
    expect(await a.usb.sealState()).toMatchObject({ sealed: false });
    // Released again: nothing was sealed.
    expect(await a.usb.release()).toMatchObject({
      released: [],
      alreadyOpen: ['USBSTOR', 'UASPStor', 'WPD class', 'Image class'],
    });
  });

  it("gives back the machine's own settings from before the first seal: a GPO's 4 and WriteProtect stay", async () => {
    const w = new FakeWindows();
    w.setReg(USBSTOR_KEY, 'Start', 'REG_DWORD', '0x4'); // a GPO disabled USB storage itself
    w.setReg(STORAGE_POLICIES_KEY, 'WriteProtect', 'REG_DWORD', '0x1');
    const a = adapter(w);
    await a.usb.seal();
    await a.usb.seal(); // recorded once, at the first seal
    expect(w.regValue(FOUND_KEY, 'UsbstorStart')).toBe('4');
    const r = await a.usb.release();
    expect(r.kept).toEqual(['USBSTOR', 'WriteProtect']);
    expect(r.released).toEqual(['UASPStor', 'WPD class', 'Image class', 'DenyDeviceClasses']);
    expect(w.regValue(USBSTOR_KEY, 'Start')).toBe('0x4');
    expect(w.regValue(STORAGE_POLICIES_KEY, 'WriteProtect')).toBe('0x1');
    expect(w.regValue(RESTRICTIONS_KEY, 'DenyDeviceClasses')).toBe('0x0');
  });

  it('a failed write or an unreadable deny list is said, never taken for released', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    await a.usb.seal();
    w.r.on('reg.exe', (args) => args[0] === 'add' && args[1] === USBSTOR_KEY, {
      code: 1,
      stderr: 'ERROR: Access is denied.\r\n',
    });
    w.r.on('reg.exe', (args) => args[0] === 'query' && args[1] === DENY_CLASSES_KEY, {
      code: 5,
      stderr: 'ERROR: Access is denied.\r\n',
    });
    const r = await a.usb.release();
    expect(r.stillSealed).toEqual([
      'USBSTOR (reg add failed (exit 1): ERROR: Access is denied.)',
      'WPD class (reg query failed (exit 5): ERROR: Access is denied.)',
      'Image class (reg query failed (exit 5): ERROR: Access is denied.)',
    ]);
    expect(r.released).toEqual(['UASPStor']);
    // The restriction is left on, and the record kept for another try.
    expect(w.regValue(RESTRICTIONS_KEY, 'DenyDeviceClasses')).toBe('0x1');
    expect(w.regValue(FOUND_KEY, 'UsbstorStart')).toBe('3');
  });

  it('without Administrator: nothing is written, the reason is USB_NOT_ROOT', async () => {
    const w = new FakeWindows();
    const a = adapter(w, { admin: false });
    expect(await a.usb.release()).toEqual({
      released: [],
      alreadyOpen: [],
      kept: [],
      stillSealed: [],
      reason: 'USB_NOT_ROOT',
    });
    expect(w.r.callsOf('reg.exe')).toEqual([]);
  });
});

describe('Windows: applying a decision', () => {
  it('block: pnputil /disable-device on the instance id, read back as blocked', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    await a.usb.seal();
    const d = await present(w, a, STICK);
    expect(await a.usb.apply(d, decision('block'))).toEqual({ applied: 'block' });
    expect(w.trail()).toEqual(['ps:state', `pnputil.exe /disable-device ${STICK}`, 'ps:state']);
    expect(w.r.callsOf('powershell.exe')[0]!.opts.env).toEqual({ BAOMI_IDS: STICK });
    expect(STATE_SCRIPT).not.toContain(STICK);
    // Already disabled: nothing to do, still blocked.
    w.r.calls.length = 0;
    expect(await a.usb.apply(d, decision('block'))).toEqual({ applied: 'block' });
    expect(w.r.callsOf('pnputil.exe')).toEqual([]);
  });

  it('allow a stick: opens the storage gate, restarts the stick, closes the gate, reads back', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    await a.usb.seal();
    const d = await present(w, a, STICK);
    expect(await drive(a.clock, a.usb.apply(d, decision('allow')))).toEqual({ applied: 'allow' });
    expect(w.trail()).toEqual([
      'ps:state',
      'reg add StorageDevicePolicies WriteProtect=0',
      'reg query StorageDevicePolicies WriteProtect',
      'reg add USBSTOR Start=3',
      'reg query UASPStor Start',
      'reg add UASPStor Start=3',
      `pnputil.exe /restart-device ${STICK}`,
      'ps:state',
      'reg add USBSTOR Start=4',
      'reg query UASPStor Start',
      'reg add UASPStor Start=4',
      'ps:state',
      'reg query StorageDevicePolicies WriteProtect',
    ]);
    expect(await a.usb.sealState()).toEqual({ sealed: true, open: [] });
  });

  it('allow a stick that was blocked before: enables it, then starts it behind the gate', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    await a.usb.seal();
    const d = await present(w, a, STICK);
    await a.usb.apply(d, decision('block'));
    w.r.calls.length = 0;
    expect(await drive(a.clock, a.usb.apply(d, decision('allow')))).toEqual({ applied: 'allow' });
    const pnp = w.r.callsOf('pnputil.exe').map((c) => c.args[0]);
    expect(pnp).toEqual(['/enable-device', '/restart-device']);
  });

  it('a stick that does not start behind the open gate: waits, closes the gate, reads back blocked', async () => {
    const w = new FakeWindows();
    w.r.on('pnputil.exe', (a) => a[0] === '/restart-device', {
      code: 1,
      stderr: 'Failed to restart device.',
    });
    const a = adapter(w);
    await a.usb.seal();
    const d = await present(w, a, STICK);
    const r = await drive(a.clock, a.usb.apply(d, decision('allow')));
    expect(r.applied).toBe('block');
    expect(r.error).toMatch(/pnputil \/restart-device failed \(exit 1\): Failed to restart device/);
    expect(w.regValue(USBSTOR_KEY, 'Start')).toBe('0x4'); // the gate is closed again
    const states = w.trail().filter((t) => t === 'ps:state').length;
    expect(states).toBeGreaterThanOrEqual(16); // polled for GATE_WAIT_MS, then gave up
  });

  it('read-only: WriteProtect=1 (machine-wide) before the stick starts', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    await a.usb.seal();
    const d = await present(w, a, STICK);
    expect(await drive(a.clock, a.usb.apply(d, decision('read-only')))).toEqual({
      applied: 'read-only',
    });
    const t = w.trail();
    expect(t.indexOf('reg add StorageDevicePolicies WriteProtect=1')).toBeLessThan(
      t.indexOf(`pnputil.exe /restart-device ${STICK}`),
    );
    // Another stick allowed while this one is present stays read-only, and says why.
    const other = { ...d, id: 'USB\\VID_ABCD&PID_1234\\EVIL0001' };
    const r = await drive(a.clock, a.usb.apply(other, decision('allow')));
    expect(r.applied).toBe('read-only');
    expect(r.error).toMatch(/WriteProtect is on for the whole machine/);
    expect(w.regValue(STORAGE_POLICIES_KEY, 'WriteProtect')).toBe('0x1');
  });

  it('read-only that cannot be set falls back to block', async () => {
    const w = new FakeWindows();
    w.r.on('reg.exe', (a) => a[0] === 'add' && a[1] === STORAGE_POLICIES_KEY, {
      code: 1,
      stderr: 'ERROR: Access is denied.',
    });
    const a = adapter(w);
    await a.usb.seal();
    const d = await present(w, a, STICK);
    const r = await drive(a.clock, a.usb.apply(d, decision('read-only')));
    expect(r).toMatchObject({ applied: 'block', readOnlyFellBack: true });
    expect(r.error).toMatch(
      /read-only cannot be set: reg add failed \(exit 1\): ERROR: Access is denied/,
    );
    expect(w.r.callsOf('pnputil.exe').map((c) => c.args)).toEqual([['/disable-device', STICK]]);
  });

  it('a keyboard with a card reader: only the storage function is disabled', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    await a.usb.seal();
    const d = await present(w, a, KBD);
    const r = await drive(
      a.clock,
      a.usb.apply(
        d,
        decision('allow', [
          { number: 0, verdict: 'allow', rule: { by: 'hid-kept' } },
          { number: 1, verdict: 'block', rule: { by: 'storage-default' } },
        ]),
      ),
    );
    expect(r).toEqual({ applied: 'allow' });
    expect(w.r.callsOf('pnputil.exe').map((c) => c.args)).toEqual([
      ['/disable-device', KBD_READER],
    ]);
    // The storage gate was never opened.
    expect(w.trail().some((t) => t.includes('Start=3'))).toBe(false);
  });

  it('read-only for a keyboard with a card reader: the keys run, the reader is read-only', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    await a.usb.seal();
    const d = await present(w, a, KBD);
    expect(await drive(a.clock, a.usb.apply(d, decision('read-only')))).toEqual({
      applied: 'read-only',
    });
    expect(w.r.callsOf('pnputil.exe').map((c) => c.args)).toEqual([
      ['/restart-device', KBD_READER],
    ]);
    expect(w.regValue(STORAGE_POLICIES_KEY, 'WriteProtect')).toBe('0x1');
  });

  it('a phone: blocked by disabling it; allowed by lifting the class restriction for a moment', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    await a.usb.seal();
    const d = await present(w, a, PHONE);
    const ro = await a.usb.apply(d, decision('read-only'));
    expect(ro).toEqual({ applied: 'block', readOnlyFellBack: true });
    expect(w.r.callsOf('pnputil.exe').map((c) => c.args)).toEqual([['/disable-device', PHONE]]);
    // Allowed later (an exception): enable, then install it while the restriction is lifted.
    w.nodes.get(PHONE.toUpperCase())!.problem = 28; // not installed: the class is denied
    w.r.calls.length = 0;
    expect(await drive(a.clock, a.usb.apply(d, decision('allow')))).toEqual({ applied: 'allow' });
    expect(w.trail()).toEqual([
      'ps:state',
      'reg add Restrictions DenyDeviceClasses=0',
      'pnputil.exe /scan-devices',
      'ps:state',
      'reg add Restrictions DenyDeviceClasses=1',
      'ps:state',
    ]);
  });

  it('fails closed: a state that cannot be read, a vanished device, a pnputil that is missing', async () => {
    const w = new FakeWindows();
    const a = adapter(w);
    const d = await present(w, a, RECEIVER);
    w.nodes.get(RECEIVER.toUpperCase())!.present = false;
    expect(await a.usb.apply(d, decision('block'))).toEqual({ applied: 'block', gone: true });
    w.nodes.get(RECEIVER.toUpperCase())!.present = true;
    w.r.missing('pnputil.exe');
    const r = await a.usb.apply(d, decision('block'));
    expect(r).toEqual({
      applied: 'allow',
      error: 'pnputil /disable-device is missing; the device still runs',
    });
    w.r.on('powershell.exe', undefined, { code: null, timedOut: true });
    expect(await a.usb.apply(d, decision('block'))).toEqual({
      applied: 'block',
      error: 'cannot read the device state: powershell.exe timed out',
    });
    // A device the adapter has never seen and cannot find: gone.
    expect(
      await a.usb.apply({ ...d, id: 'USB\\VID_0000&PID_0000\\NOPE' }, decision('allow')),
    ).toMatchObject({
      applied: 'block',
    });
  });

  it('never hands an instance id with wildcard or quote characters to a command', async () => {
    expect(safeInstanceId(STICK)).toBe(true);
    for (const bad of [
      'USB\\VID_0781&PID_5581\\A"B',
      'USB\\VID_0781&PID_5581\\*',
      'USB\\X Y',
      'USB\\a\nb',
      'HID\\X',
    ])
      expect(safeInstanceId(bad), bad).toBe(false);
    const w = new FakeWindows();
    const evilId = 'USB\\VID_0781&PID_5581\\A*';
    w.listJson = JSON.stringify([
      { id: evilId, problem: 0, compatibleIds: ['USB\\Class_08&SubClass_06&Prot_50'] },
    ]);
    w.nodes.set(evilId.toUpperCase(), { present: true, problem: 0, storage: true });
    const a = adapter(w);
    const d = await present(w, a, evilId);
    const r = await a.usb.apply(d, decision('block'));
    expect(r.error).toMatch(/an instance id that is not passed to commands/);
    expect(w.r.callsOf('pnputil.exe')).toEqual([]);
    expect(w.r.callsOf('powershell.exe').every((c) => !c.opts.env?.BAOMI_IDS?.includes('*'))).toBe(
      true,
    );
  });
});

describe('Windows: reg and pnputil output', () => {
  it('reads reg query values, including names and data with spaces', () => {
    const out = `\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR\r\n    Start    REG_DWORD    0x4\r\n    ImagePath    REG_EXPAND_SZ    \\SystemRoot\\System32\\drivers\\USBSTOR.SYS\r\n    Display Name    REG_SZ    USB Mass Storage Driver\r\n    Empty    REG_SZ    \r\n\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR\\Enum\r\n`;
    const v = parseRegQuery(out);
    expect(v.map((x) => [x.name, x.type, x.data])).toEqual([
      ['Start', 'REG_DWORD', '0x4'],
      ['ImagePath', 'REG_EXPAND_SZ', '\\SystemRoot\\System32\\drivers\\USBSTOR.SYS'],
      ['Display Name', 'REG_SZ', 'USB Mass Storage Driver'],
      ['Empty', 'REG_SZ', ''],
    ]);
    expect(dwordOf(v[0])).toBe(4);
    expect(dwordOf(v[2])).toBeUndefined();
  });

  it('finds USB instance ids in pnputil output in any display language', () => {
    const en = pnputilUsbIds(fixture('win32-pnputil-enum.txt'));
    expect([...en]).toEqual([
      'USB\\ROOT_HUB30\\4&2B8E0A3C&0&0',
      'USB\\VID_0781&PID_5581\\4C530001120828107441',
    ]);
    expect([...pnputilUsbIds(fixture('win32-pnputil-enum-zh.txt'))]).toEqual([...en]);
  });
});

describe('Windows: the watch', () => {
  it('polls every 2 s; PowerShell only when pnputil shows a change', async () => {
    const w = new FakeWindows();
    let enumOut = fixture('win32-pnputil-enum.txt');
    w.r.on('pnputil.exe', ['/enum-devices', '/connected'], () => ({ stdout: enumOut }));
    const clock = new FakeClock();
    const a = adapter(w, { clock });
    await a.usb.list();
    const seen: string[] = [];
    const watch = a.usb.watch({
      added: (d) => seen.push(`+${d.id}`),
      removed: (id) => seen.push(`-${id}`),
      error: (e) => seen.push(`!${e.message}`),
    });
    const tick = async () => {
      clock.advance(2000);
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };
    w.r.calls.length = 0;
    await tick();
    await tick();
    await tick();
    expect(w.r.callsOf('pnputil.exe')).toHaveLength(3);
    expect(w.r.callsOf('powershell.exe')).toHaveLength(1); // the first detector answer
    // The stick is pulled: the detector sees it, PowerShell lists, the watch reports it.
    enumOut = enumOut.replace(STICK, 'USB\\VID_0951&PID_1666\\NEW');
    w.listJson = JSON.stringify(JSON.parse(PNP).filter((n: { id?: string }) => n.id !== STICK));
    await tick();
    expect(seen).toEqual([`-${STICK}`]);
    // PowerShell breaks: said once through error(), nothing reported removed meanwhile.
    enumOut = `${enumOut}\nUSB\\VID_1111&PID_2222\\X`;
    w.r.on('powershell.exe', undefined, { code: null, missing: true });
    await tick();
    enumOut = `${enumOut}\nUSB\\VID_1111&PID_3333\\Y`;
    await tick();
    expect(seen).toEqual([`-${STICK}`, '!usb: cannot list devices: powershell.exe is missing']);
    watch.close();
    expect(clock.pending()).toBe(0);
  });

  it('a pnputil that shows no USB ids is broken here: PowerShell every poll, said once', async () => {
    const w = new FakeWindows();
    w.r.on('pnputil.exe', ['/enum-devices', '/connected'], { code: 0, stdout: 'Invalid command.' });
    const clock = new FakeClock();
    const a = adapter(w, { clock });
    await a.usb.list();
    const watch = a.usb.watch({ added() {}, removed() {}, error() {} });
    w.r.calls.length = 0;
    for (let i = 0; i < 3; i++) {
      clock.advance(2000);
      for (let j = 0; j < 5; j++) await new Promise((r) => setImmediate(r));
    }
    expect(w.r.callsOf('pnputil.exe')).toHaveLength(1);
    expect(w.r.callsOf('powershell.exe')).toHaveLength(3);
    expect(a.said.filter((l) => l.includes('pnputil /enum-devices cannot tell'))).toHaveLength(1);
    watch.close();
  });
});
