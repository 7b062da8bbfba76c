// What the seal found, given back by release (src/platform/linux/usb/found.ts), on a
// fabricated sysfs tree with real files: the first seal of a boot records what every place
// read; release writes that back (an administrator's "internal ports only" 2, their own 0
// kept), not the kernel's defaults; a restarted agent keeps the first record; a record of
// another boot, or one that is not ours or not what the kernel would take, is not used.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFound } from '../../../src/platform/linux/usb/found.js';
import { createLinuxUsb } from '../../../src/platform/linux/usb/index.js';
import { sysfsPaths } from '../../../src/platform/linux/usb/sysfs.js';
import { nodeClock } from '../../../src/platform/node/clock.js';
import { FakeSysfs } from '../../helpers/fake-sysfs.js';

const trees: FakeSysfs[] = [];
afterEach(async () => {
  for (const t of trees.splice(0)) await t.close();
});

function tree(bootId = 'boot-a') {
  const t = new FakeSysfs();
  trees.push(t);
  const proc = path.join(t.root, 'proc/sys/kernel/random');
  fs.mkdirSync(proc, { recursive: true });
  fs.writeFileSync(path.join(proc, 'boot_id'), `${bootId}\n`);
  const record = path.join(t.root, 'run/baomi/usb-found.json');
  const said: string[] = [];
  const control = () =>
    createLinuxUsb({
      sysfsRoot: t.sys,
      clock: nodeClock,
      uid: 0,
      hotplug: false,
      say: (line) => said.push(line),
    });
  const reboot = (id: string) => fs.writeFileSync(path.join(proc, 'boot_id'), `${id}\n`);
  return { t, record, said, control, reboot };
}

describe('the seal records what it found, and release gives that back', () => {
  it("an administrator's own settings made after boot come back, not the kernel's defaults", async () => {
    const { t, record, control } = tree();
    t.rootHub(1, { authorizedDefault: '2' }); // internal ports only
    t.rootHub(2, { authorizedDefault: '0' }); // sealed by someone else before the agent
    fs.writeFileSync(t.usbcoreDefault, '2\n');
    const usb = control();
    expect(await usb.seal()).toEqual({ sealed: true, open: [] });
    const rec = JSON.parse(fs.readFileSync(record, 'utf8'));
    expect(rec).toMatchObject({
      v: 1,
      bootId: 'boot-a',
      places: {
        usb1: '2',
        'usb1:interfaces': '1',
        usb2: '0',
        'usb2:interfaces': '1',
        'usbcore.authorized_default': '2',
      },
    });
    expect(fs.statSync(record).mode & 0o777).toBe(0o644);
    // A dock's controller that appears sealed later: it gets what usbcore's parameter had.
    t.rootHub(3, { authorizedDefault: '0' });
    const r = await usb.release();
    expect(r).toEqual({
      released: [
        'usb1',
        'usb1:interfaces',
        'usb2:interfaces',
        'usb3',
        'usbcore.authorized_default',
      ],
      alreadyOpen: ['usb3:interfaces'],
      kept: ['usb2'],
      stillSealed: [],
    });
    expect(t.attr('usb1', 'authorized_default')).toBe('2');
    expect(t.attr('usb2', 'authorized_default')).toBe('0');
    expect(t.attr('usb3', 'authorized_default')).toBe('2');
    expect(fs.readFileSync(t.usbcoreDefault, 'utf8').trim()).toBe('2');
    // Given back: the record is gone, and an agent started later records afresh.
    expect(fs.existsSync(record)).toBe(false);
    await control().seal();
    expect(JSON.parse(fs.readFileSync(record, 'utf8')).places.usb1).toBe('2');
  });

  it('an agent restarted in the same boot keeps the first record (it reads its own seal now)', async () => {
    const { t, record, control } = tree();
    t.rootHub(1);
    await control().seal();
    const first = fs.readFileSync(record, 'utf8');
    expect(t.attr('usb1', 'authorized_default')).toBe('0');
    await control().seal(); // the restarted agent
    expect(fs.readFileSync(record, 'utf8')).toBe(first);
    const r = await control().release();
    expect(r.released).toContain('usb1');
    expect(r.kept).toEqual([]);
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
  });

  it("a record of another boot is not used: the kernel's defaults are given", async () => {
    const { t, record, control, reboot } = tree();
    t.rootHub(1, { authorizedDefault: '0' });
    await control().seal();
    expect(JSON.parse(fs.readFileSync(record, 'utf8')).places.usb1).toBe('0');
    reboot('boot-b'); // /run survived (not a tmpfs here): the record names the old boot
    const r = await control().release();
    expect(r.kept).toEqual([]);
    expect(r.released).toContain('usb1');
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
  });

  it.each([
    ['a value the kernel would not take', { usb1: '1; reboot' }],
    ['a name that is no seal place', { '../../etc/passwd': '1' }],
    ['an interface default of 2', { 'usb1:interfaces': '2' }],
  ])('a record holding %s is not used at all', async (_what, places) => {
    const { t, record, control } = tree();
    t.rootHub(1, { authorizedDefault: '2' });
    await control().seal();
    const rec = JSON.parse(fs.readFileSync(record, 'utf8'));
    fs.writeFileSync(record, JSON.stringify({ ...rec, places: { ...rec.places, ...places } }));
    const r = await control().release();
    // The kernel's default (1), not the recorded 2: the whole record was refused.
    expect(r.released).toContain('usb1');
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
    expect(fs.existsSync(path.join(t.root, 'etc/passwd'))).toBe(false);
  });

  it('an agent that sealed earlier in this boot (upgraded from one that kept no record) records no 0', async () => {
    const { t, record, control } = tree();
    t.rootHub(1, { authorizedDefault: '0' }); // the older agent's seal
    t.rootHub(2, { authorizedDefault: '2' });
    await control().seal({ earlierThisBoot: true });
    const places = JSON.parse(fs.readFileSync(record, 'utf8')).places;
    expect(places.usb1).toBeUndefined();
    expect(places.usb2).toBe('2');
    const r = await control().release();
    expect(r.kept).toEqual([]);
    expect(t.attr('usb1', 'authorized_default')).toBe('1'); // the kernel's default
    expect(t.attr('usb2', 'authorized_default')).toBe('2'); // what it had
  });

  it('a link planted where the record goes is followed neither by reading nor by writing', async () => {
    const { t, record, control } = tree();
    t.rootHub(1, { authorizedDefault: '2' });
    fs.mkdirSync(path.dirname(record), { recursive: true });
    const elsewhere = path.join(t.root, 'elsewhere.json');
    const planted = { v: 1, bootId: 'boot-a', at: '', places: { usb1: '0' } };
    fs.writeFileSync(elsewhere, JSON.stringify(planted));
    fs.symlinkSync(elsewhere, record);
    // Read through the link, usb1 would be "kept" sealed: it is not read.
    expect(await readFound(sysfsPaths(t.sys))).toBeNull();
    await control().seal();
    expect(JSON.parse(fs.readFileSync(elsewhere, 'utf8'))).toEqual(planted);
    expect(fs.lstatSync(record).isFile()).toBe(true);
    expect(JSON.parse(fs.readFileSync(record, 'utf8')).places.usb1).toBe('2');
  });

  it('a record in a folder others can write, or with no boot id to name, is neither kept nor used', async () => {
    const { t, record, said, control } = tree();
    t.rootHub(1, { authorizedDefault: '2' });
    await control().seal();
    fs.chmodSync(path.dirname(record), 0o777);
    expect(await readFound(sysfsPaths(t.sys))).toBeNull();
    expect((await control().release()).released).toContain('usb1');
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
    // No boot id: nothing recorded, and said.
    const other = tree();
    other.t.rootHub(1, { authorizedDefault: '2' });
    fs.rmSync(path.join(other.t.root, 'proc/sys/kernel/random/boot_id'));
    await other.control().seal();
    expect(fs.existsSync(other.record)).toBe(false);
    expect(other.said.join('\n')).toMatch(/cannot record .*no boot id/);
    expect(said).toEqual([]);
  });

  it('a release that leaves a place sealed keeps the record for the next try', async () => {
    const { t, record, control } = tree();
    t.rootHub(1, { authorizedDefault: '2' });
    t.rootHub(2);
    await control().seal();
    // usb2's attribute cannot be read any more (a kernel that went away under it).
    const attr = path.join(t.devices, 'usb2', 'authorized_default');
    fs.rmSync(attr);
    fs.mkdirSync(attr);
    const r = await control().release();
    expect(r.stillSealed).toEqual(['usb2']);
    expect(t.attr('usb1', 'authorized_default')).toBe('2');
    expect(fs.existsSync(record)).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)('a record another user owns is not used', async () => {
    const { t, record, control } = tree();
    t.rootHub(1, { authorizedDefault: '2' });
    await control().seal();
    fs.chownSync(record, 65534, 65534);
    expect((await control().release()).released).toContain('usb1');
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
  });

  it('a record that cannot be written is said, and the seal holds all the same', async () => {
    const { t, said, control } = tree();
    t.rootHub(1);
    fs.mkdirSync(path.join(t.root, 'run'), { recursive: true });
    fs.writeFileSync(path.join(t.root, 'run/baomi'), 'a file where the folder goes\n');
    expect(await control().seal()).toEqual({ sealed: true, open: [] });
    expect(said.join('\n')).toMatch(
      /usb: cannot record what the ports had before the seal .*baomi usb release.* kernel's defaults/,
    );
    expect(t.attr('usb1', 'authorized_default')).toBe('0');
  });
});
