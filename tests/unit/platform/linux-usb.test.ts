// The Linux USB adapter's pure parts: sysfs names (what is a device, its root hub, its
// interface folders), libusb's bus and port path turned into a sysfs name, the verdict each
// interface gets, which write errors status can name, and whether a udev rule file runs the
// read-only helper.
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/core/usb/types.js';
import { sysfsName } from '../../../src/platform/linux/usb/detect.js';
import { interfaceVerdict } from '../../../src/platform/linux/usb/enforce.js';
import { runsHelper } from '../../../src/platform/linux/usb/read-only.js';
import { writeReason } from '../../../src/platform/linux/usb/seal.js';
import {
  interfacePrefix,
  isDeviceName,
  isRootHub,
  rootHubOf,
} from '../../../src/platform/linux/usb/sysfs.js';

describe('sysfs names', () => {
  it('tells devices from interfaces and from anything else', () => {
    for (const n of ['usb1', 'usb12', '1-1', '3-2.1.4', '12-10.3'])
      expect(isDeviceName(n)).toBe(true);
    for (const n of [
      '1-1:1.0',
      '1-0:1.0',
      'usb0',
      '0-1',
      '1-0',
      '../usb1',
      'usb1/..',
      '1-1.',
      '',
      'usb',
    ])
      expect(isDeviceName(n)).toBe(false);
    expect([isRootHub('usb3'), isRootHub('3-1'), isRootHub('usb3x')]).toEqual([true, false, false]);
  });

  it('finds the root hub above a device and the prefix of its interface folders', () => {
    expect([rootHubOf('3-2.1'), rootHubOf('usb2'), rootHubOf('12-1')]).toEqual([
      'usb3',
      'usb2',
      'usb12',
    ]);
    expect([interfacePrefix('1-2.3'), interfacePrefix('usb4')]).toEqual(['1-2.3:', '4-0:']);
  });

  it('names a libusb device the way sysfs does', () => {
    expect(sysfsName(2, [])).toBe('usb2');
    expect(sysfsName(1, [4])).toBe('1-4');
    expect(sysfsName(3, [1, 2, 7])).toBe('3-1.2.7');
  });
});

describe('interfaceVerdict', () => {
  const d = (verdict: Decision['verdict'], list: [number, Decision['verdict']][]): Decision => ({
    verdict,
    rule: { by: 'not-storage' },
    storage: false,
    hid: false,
    interfaces: list.map(([number, v]) => ({ number, verdict: v, rule: { by: 'hid-kept' } })),
  });

  it('its own verdict; the device verdict when none are listed; block when others are', () => {
    const composite = d('allow', [
      [0, 'allow'],
      [1, 'block'],
    ]);
    expect([0, 1, 2].map((n) => interfaceVerdict(composite, n))).toEqual([
      'allow',
      'block',
      'block',
    ]);
    expect(interfaceVerdict(d('audit', []), 5)).toBe('audit');
    expect(interfaceVerdict(d('read-only', [[0, 'read-only']]), 0)).toBe('read-only');
  });
});

describe('writeReason', () => {
  it('names not-root and read-only sysfs; anything else is an open seal', () => {
    expect(['EACCES', 'EPERM', 'EROFS', 'EIO'].map(writeReason)).toEqual([
      'USB_NOT_ROOT',
      'USB_NOT_ROOT',
      'USB_SYSFS_READONLY',
      'USB_SEAL_OPEN',
    ]);
  });
});

describe('runsHelper', () => {
  const H = '/usr/lib/baomi/baomi-usb-ro';
  it("a rule line that assigns RUN the helper, in any of udev's spellings", () => {
    for (const rule of [
      `ACTION=="add|change", SUBSYSTEM=="block", SUBSYSTEMS=="usb", RUN+="${H} %k %p"`,
      `# comment\nSUBSYSTEM=="block", RUN+="${H}"`,
      `SUBSYSTEM=="block",RUN{program}+="${H} %k"`,
      `SUBSYSTEM=="block", RUN:="${H} %k"`,
      `SUBSYSTEM=="block", RUN = "${H} %k"`,
      `ACTION=="add", \\\n  SUBSYSTEM=="block", \\\n  RUN+="${H} %k %p"`,
      `  SUBSYSTEM=="block", RUN+="${H}"\r\n`,
    ])
      expect(runsHelper(rule), rule).toBe(true);
  });

  it('not the path in a comment, in another key, as another program, or as an argument', () => {
    for (const rule of [
      `# Install the helper as ${H}, then reload.`,
      `# ACTION=="add", SUBSYSTEM=="block", RUN+="${H} %k %p"`,
      `  # RUN+="${H} %k"`,
      `# continued \\\nRUN+="/bin/true"`,
      `SUBSYSTEM=="block", PROGRAM="${H} %k"`,
      `SUBSYSTEM=="block", ENV{X}="${H}", RUN+="/bin/true"`,
      `SUBSYSTEM=="block", RUN+="/bin/echo ${H} %k"`,
      `SUBSYSTEM=="block", RUN+="${H}x %k"`,
      `SUBSYSTEM=="block", XRUN+="${H} %k"`,
      `SUBSYSTEM=="block", RUN!="${H} %k"`,
      '',
    ])
      expect(runsHelper(rule), rule).toBe(false);
  });

  it('for one bus: a line that tests no SUBSYSTEMS, or names that bus among its |-list', () => {
    expect(runsHelper(`SUBSYSTEM=="block", RUN+="${H} %k"`, 'mmc')).toBe(true);
    expect(runsHelper(`SUBSYSTEMS=="usb|mmc", RUN+="${H} %k"`, 'mmc')).toBe(true);
    expect(runsHelper(`SUBSYSTEMS=="usb", RUN+="${H} %k"`, 'mmc')).toBe(false);
    expect(runsHelper(`SUBSYSTEMS=="mmc", RUN+="${H} %k"`, 'usb')).toBe(false);
    expect(runsHelper(`SUBSYSTEMS=="mmc_host", RUN+="${H} %k"`, 'mmc')).toBe(false);
    expect(
      runsHelper(`SUBSYSTEMS=="mmc", RUN+="/bin/true"\nSUBSYSTEMS=="usb", RUN+="${H}"`, 'mmc'),
    ).toBe(false);
  });
});
