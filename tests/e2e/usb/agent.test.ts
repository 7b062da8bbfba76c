// The real agent with --enforce on a real kernel (QEMU, TCG): one boot for every scenario of
// issue 9. Under a block-storage policy a plugged stick stays authorized=0 and no sd* appears;
// the approved stick (by serial) binds; a stick with a valid exception token binds; a USB
// keyboard is authorized; after `kill -9` of the agent a new stick still waits unauthorized.
// The built-in SD card reader (QEMU sdhci-pci, not USB) in the same boot: the card present at
// boot, which the kernel bound before the agent ran, is unbound; a card inserted under the
// block policy is never bound (no /dev/mmcblk0); the card approved by a rule appears; a
// read-only rule binds it read-only and the kernel refuses writes to the disk and its
// partition; a card inserted after `kill -9` still waits; a root hub and usbcore's default
// opened by hand while the agent is down are usb.enforcement-lost when it starts again. Every QEMU card has the same CID, so
// the card's scenarios are policy versions 2 and 3, deployed into the agent's policy folder.
// The policies, the keys and the token are made on the host with the CLI before the boot (the
// guest sees the host's files as they were then); the agent's data dir, sockets and policy
// folder live in the guest.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootVm,
  CHECKOUT,
  type GuestProcess,
  sleep,
  type Vm,
  vmUnavailable,
  waitUntil,
} from './vm/index.js';
import { scsiDisks, usbDevices } from './vm/usb.js';

const unavailable = vmUnavailable();
const title = `USB enforcement by the agent on a real kernel${unavailable ? `: skipped, ${unavailable}` : ''}`;
/** Upper bound for what must happen (TCG on a loaded 2-core host is slow). */
const WAIT_MS = 120_000;
/** How long a stick that must stay held is watched for a disk (usb-storage waits 1 s to scan). */
const HOLD_MS = 6_000;
/** What a root hub registered later starts with (usbcore's module parameter). */
const USBCORE_DEFAULT = '/sys/module/usbcore/parameters/authorized_default';

const host = mkdtempSync(join(tmpdir(), 'baomi-usb-e2e-'));
const cli = (args: string[]) =>
  execFileSync(process.execPath, [join(CHECKOUT, 'bin/baomi.js'), ...args], {
    cwd: host,
    encoding: 'utf8',
    env: { ...process.env, LANG: 'en_US.UTF-8' },
  });

/** Keys, a signed policy and an exception token for alice's stick EXC1, made before the boot. */
function prepareHostFiles() {
  const keys = join(host, 'keys');
  const trust = join(host, 'trust');
  mkdirSync(join(trust, 'policy'), { recursive: true, mode: 0o755 });
  mkdirSync(join(trust, 'exceptions'), { recursive: true, mode: 0o755 });
  cli(['policy', 'keygen', 'it', '--out', keys]);
  cli(['exception', 'keygen', 'sec', '--out', keys]);
  execFileSync('cp', [join(keys, 'it.pub'), join(trust, 'policy/it.pub')]);
  execFileSync('cp', [join(keys, 'sec.pub'), join(trust, 'exceptions/sec.pub')]);
  const policy = join(host, 'policy.yaml');
  const now = Date.now();
  writeFileSync(
    policy,
    [
      'version: 1',
      'name: USB e2e',
      `issued: ${new Date(now - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z')}`,
      `expires: ${new Date(now + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z')}`,
      'minAgentVersion: "0.2.0"',
      'usb:',
      '  storage: block',
      '  rules:',
      '    - { vendor: "46f4", product: "0001", serial: "APPROVED1", verdict: allow, note: 财务部U盘 }',
      '',
    ].join('\n'),
  );
  cli(['policy', 'sign', '--key', join(keys, 'it.key'), policy]);
  // The same policy with a rule for the SD card (QEMU's: maker 0xaa, OEM "XY", serial
  // 0xdeadbeef): version 2 allows it, version 3 makes it read-only.
  const cardPolicy = (version: number, line: string) => {
    const file = join(host, `policy-${version}.yaml`);
    const base = readFileSync(policy, 'utf8').replace('version: 1', `version: ${version}`);
    writeFileSync(file, `${base}${line}\n`);
    cli(['policy', 'sign', '--key', join(keys, 'it.key'), file]);
    return file;
  };
  const allowCard = cardPolicy(
    2,
    '    - { vendor: "00aa", product: "5859", serial: "deadbeef", verdict: allow, note: 相机存储卡 }',
  );
  const readOnlyCard = cardPolicy(
    3,
    '    - { vendor: "00aa", product: "5859", verdict: read-only, note: 只读存储卡 }',
  );
  const token = join(host, 'exc.bmx');
  cli([
    'exception',
    'issue',
    '--device',
    '46f4:0001:EXC1',
    '--user',
    'alice',
    '--for',
    '2h',
    '--reason',
    'audit of the finance share',
    '--key',
    join(keys, 'sec.key'),
    '--out',
    token,
    '--no-qr',
  ]);
  return { trust, policy, allowCard, readOnlyCard, token };
}

describe.skipIf(unavailable !== null)(title, () => {
  let vm: Vm;
  let files: ReturnType<typeof prepareHostFiles>;
  let agent: GuestProcess | null = null;
  let dataDir = '';
  let sockets = '';
  /** The agent's --policy, in the guest, so a new version can be deployed by copying. */
  let policyFile = '';

  const baomi = (args: string) => vm.shOk(`node bin/baomi.js ${args}`);
  const events = async (type: string) =>
    (await baomi(`events --socket ${sockets}/admin.sock --type ${type} --json`))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown>; user?: string });
  const eventsFromDisk = async (type: string) => {
    const cmd = `node bin/baomi.js events --data-dir ${dataDir} --type ${type} --json`;
    const first = await vm.sh(cmd, { timeoutMs: 60_000 });
    // Seen once in CI (the run on record before stop 27): this read, just after the agent's
    // restart, printed its first page and was then killed (SIGKILL): the guest's 120 s limit,
    // most likely, since the guest had 700 MB free in a run here. Not reproduced on the host
    // (25 kill -9 restarts, 150 reads, the slowest 365 ms). vm.sh says where it waited; ask
    // once more: a second hang, or any other failure, fails the test.
    const r = first.timedOut ? await vm.sh(cmd, { timeoutMs: 60_000 }) : first;
    if (r.code !== 0) throw vm.failure(r, cmd);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
  };
  const bySerial = async (serial: string) => {
    const d = (await usbDevices(vm)).find((x) => x.serial === serial);
    return d;
  };
  const plugged = async (serial: string) =>
    waitUntil(() => bySerial(serial), `${serial} in sysfs`, WAIT_MS);

  beforeAll(async () => {
    files = prepareHostFiles();
    // A card in the reader from power-on: bound by the kernel before any agent runs.
    vm = await bootVm({ cardAtBoot: { partitioned: true } });
    dataDir = await vm.mkdtemp();
    sockets = await vm.mkdtemp();
    policyFile = `${await vm.mkdtemp()}/policy.yaml`;
    await deploy(files.policy);
    // alice is at the console (logind's state files, as logind writes them).
    await vm.writeGuestFile(
      '/run/systemd/sessions/3',
      'UID=1000\nUSER=alice\nACTIVE=1\nSTATE=active\nREMOTE=0\nTYPE=tty\nCLASS=user\nSEAT=seat0\n',
    );
    await vm.writeGuestFile('/run/systemd/seats/seat0', 'IS_SEAT0=1\nACTIVE=3\nACTIVE_UID=1000\n');
  });

  afterAll(async () => {
    await agent?.kill('SIGKILL').catch(() => {});
    await vm?.shutdown();
    rmSync(host, { recursive: true, force: true });
  });

  /** Copies a signed policy into the agent's policy folder (the signature first). */
  const deploy = async (file: string) => {
    await vm.writeGuestFile(`${policyFile}.sig`, readFileSync(`${file}.sig`));
    await vm.writeGuestFile(policyFile, readFileSync(file));
  };
  const policyVersion = async (version: number) => {
    let last = '';
    try {
      return await waitUntil(
        async () => {
          const r = await vm.sh(`node bin/baomi.js status --socket ${sockets}/admin.sock --json`);
          last =
            r.code === 0 ? r.stdout : `exit ${r.signal ?? r.code} after ${r.ms} ms: ${r.stderr}`;
          return r.code === 0 && JSON.parse(r.stdout).policy?.version === version;
        },
        `policy version ${version} in force`,
        WAIT_MS,
      );
    } catch (e) {
      // Seen twice here beside a CI run (never alone): say what the agent said meanwhile (a
      // judge that took longer than its 30 s shows as policyRejected POLICY_JUDGE_FAILED).
      const s = /^\{/.test(last) ? JSON.parse(last) : null;
      const log = (await vm.readGuestFile(`${dataDir}/agent.log`).catch(() => Buffer.from('')))
        .toString('utf8')
        .split('\n')
        .slice(-40)
        .join('\n');
      throw new Error(
        `${(e as Error).message}\npolicy: ${JSON.stringify(s?.policy)} rejected: ${JSON.stringify(s?.policyRejected ?? last)}\nagent.log (last 40 lines):\n${log}`,
      );
    }
  };
  const CARD = '/sys/bus/mmc/devices/mmc0:4567';
  /** The mmcblk disks the guest has, and whether the card has a driver. */
  const mmcDisks = async () =>
    (await vm.shOk('ls /sys/block')).split(/\s+/).filter((n) => /^mmcblk\d+$/.test(n));
  const cardBound = async () => (await vm.sh(`readlink ${CARD}/driver`)).code === 0;
  /** How many times the kernel has made an mmcblk disk since boot. */
  const disksMade = async () =>
    (await vm.shOk('dmesg')).split('\n').filter((l) => /mmcblk\d+: mmc\d+:[0-9a-f]{4} /.test(l))
      .length;
  const cardEvents = async (type: string) =>
    (await events(type)).filter((e) => e.data.bus === 'mmc');

  const startAgent = async () => {
    agent = await vm.spawn([
      'node',
      'bin/baomi.js',
      'agent',
      '--enforce',
      '--policy',
      policyFile,
      '--trust-dir',
      files.trust,
      '--data-dir',
      dataDir,
      '--socket',
      sockets,
    ]);
    const status = await waitUntil(
      async () => {
        const r = await vm.sh(`node bin/baomi.js status --socket ${sockets}/admin.sock --json`);
        if (r.code !== 0) return undefined;
        const s = JSON.parse(r.stdout);
        return s.policy?.name === 'USB e2e' ? s : undefined;
      },
      'the agent to answer with its policy in force',
      WAIT_MS,
    );
    return status as { usb: { enforcing: boolean; reason?: string } };
  };

  it('seals every root hub and says so (checked, not assumed)', async () => {
    const status = await startAgent();
    expect(status.usb, await agent?.output()).toMatchObject({ enforcing: true });
    const roots = (await usbDevices(vm)).filter((d) => /^usb\d+$/.test(d.name));
    expect(roots.length).toBeGreaterThanOrEqual(2);
    for (const r of roots)
      expect((await vm.readGuestFile(`${r.path}/authorized_default`)).toString().trim()).toBe('0');
    // And usbcore's parameter that a controller plugged later starts its root hub with: the
    // kernel takes the write at run time.
    expect((await vm.readGuestFile(USBCORE_DEFAULT)).toString().trim()).toBe('0');
  });

  it('keeps a stick the policy blocks unauthorized: no sd*, usb.blocked stored', async () => {
    await vm.plugStick({ id: 'b1', serial: 'BLOCK1' });
    const dev = await plugged('BLOCK1');
    const blocked = await waitUntil(
      async () => (await events('usb.blocked')).find((e) => e.data.serial === 'BLOCK1'),
      'usb.blocked for BLOCK1',
      WAIT_MS,
    );
    expect(blocked).toMatchObject({
      user: 'alice',
      data: { vendor: '46f4', product: '0001', rule: { by: 'storage-default' }, enforced: true },
    });
    await sleep(HOLD_MS);
    expect((await bySerial('BLOCK1'))?.authorized).toBe('0');
    expect(await scsiDisks(vm)).toEqual([]);
    expect(dev.authorized).toBe('0');
    await vm.unplug('b1');
    await waitUntil(async () => !(await bySerial('BLOCK1')), 'BLOCK1 gone', WAIT_MS);
  });

  it('authorizes the approved stick (serial on the allow list): sda appears', async () => {
    await vm.plugStick({ id: 'a1', serial: 'APPROVED1' });
    await plugged('APPROVED1');
    await waitUntil(async () => (await scsiDisks(vm)).includes('sda'), 'sda', WAIT_MS);
    expect((await bySerial('APPROVED1'))?.authorized).toBe('1');
    const allowed = (await events('usb.allowed')).find((e) => e.data.serial === 'APPROVED1');
    expect(allowed?.data).toMatchObject({ rule: { by: 'rule', index: 0, note: '财务部U盘' } });
    await vm.unplug('a1');
    await waitUntil(async () => (await scsiDisks(vm)).length === 0, 'sda gone', WAIT_MS);
  });

  it('authorizes a USB keyboard under the block-storage policy', async () => {
    await vm.plugKeyboard('k1');
    const kbd = await waitUntil(
      async () => (await usbDevices(vm)).find((d) => d.idVendor === '0627'),
      'keyboard in sysfs',
      WAIT_MS,
    );
    const driver = await waitUntil(
      async () => {
        const r = await vm.sh(`readlink ${kbd.path}/${kbd.name}:1.0/driver`);
        return r.code === 0 ? r.stdout.trim() : undefined;
      },
      'usbhid bound to the keyboard',
      WAIT_MS,
    );
    expect(driver).toMatch(/usbhid$/);
    await vm.unplug('k1');
  });

  it('opens a stick for alice with a valid exception token, redeemed over the socket', async () => {
    await vm.plugStick({ id: 'e1', serial: 'EXC1' });
    await plugged('EXC1');
    await waitUntil(
      async () => (await events('usb.blocked')).some((e) => e.data.serial === 'EXC1'),
      'EXC1 blocked before the token',
      WAIT_MS,
    );
    expect(await scsiDisks(vm)).toEqual([]);
    const out = await baomi(
      `exception redeem --file ${files.token} --socket ${sockets}/admin.sock`,
    );
    expect(out).toMatch(/EXC1|46f4:0001/);
    await waitUntil(async () => (await scsiDisks(vm)).includes('sda'), 'sda for EXC1', WAIT_MS);
    expect((await bySerial('EXC1'))?.authorized).toBe('1');
    const exc = await events('usb.exception');
    expect(exc[0]?.data).toMatchObject({ device: '46f4:0001:EXC1', user: 'alice' });
    // The same token twice is refused.
    const again = await vm.sh(
      `node bin/baomi.js exception redeem --file ${files.token} --socket ${sockets}/admin.sock`,
    );
    expect(again.code).not.toBe(0);
    await vm.unplug('e1');
    await waitUntil(async () => (await scsiDisks(vm)).length === 0, 'sda gone', WAIT_MS);
  });

  it('seals the SD card reader and unbinds the card the kernel bound at boot', async () => {
    expect(await disksMade()).toBe(1); // mmcblk0, at boot, before the agent
    const blocked = await waitUntil(
      async () => (await cardEvents('usb.blocked')).find((e) => e.data.because === 'present'),
      'usb.blocked for the card present at start',
      WAIT_MS,
    );
    expect(blocked).toMatchObject({
      user: 'alice',
      data: {
        device: 'mmc0:4567',
        vendor: '00aa',
        product: '5859',
        serial: 'deadbeef',
        productName: 'QEMU!',
        mmc: { type: 'SD', fixed: false },
        rule: { by: 'storage-default' },
        enforced: true,
      },
    });
    expect(blocked.data.applied).toBeUndefined();
    expect((await vm.readGuestFile('/sys/bus/mmc/drivers_autoprobe')).toString().trim()).toBe('0');
    expect(await cardBound()).toBe(false);
    expect(await mmcDisks()).toEqual([]);
    expect((await vm.sh('ls /dev/mmcblk0')).code).not.toBe(0);
  });

  it('never binds an SD card inserted under the block policy: no /dev/mmcblk0', async () => {
    await vm.ejectCard();
    await waitUntil(async () => (await cardEvents('usb.removed')).length === 1, 'removed', WAIT_MS);
    await vm.insertCard({ partitioned: true });
    const blocked = await waitUntil(
      async () => (await cardEvents('usb.blocked')).find((e) => e.data.because === 'plugged'),
      'usb.blocked for the inserted card',
      WAIT_MS,
    );
    expect(blocked.data).toMatchObject({ device: 'mmc0:4567', rule: { by: 'storage-default' } });
    await sleep(HOLD_MS / 2);
    expect(await cardBound()).toBe(false);
    expect(await mmcDisks()).toEqual([]);
    expect(await disksMade()).toBe(1); // the kernel never made a disk of it
  });

  it('binds the SD card a rule approves (maker, OEM, serial): /dev/mmcblk0 appears, writable', async () => {
    await deploy(files.allowCard);
    await policyVersion(2);
    await waitUntil(async () => (await mmcDisks()).includes('mmcblk0'), 'mmcblk0', WAIT_MS);
    expect(await cardBound()).toBe(true);
    const allowed = (await cardEvents('usb.allowed')).at(-1);
    expect(allowed?.data).toMatchObject({
      because: 'policy',
      rule: { by: 'rule', index: 1, note: '相机存储卡' },
    });
    await vm.shOk('dd if=/dev/zero of=/dev/mmcblk0p1 bs=512 count=1 oflag=direct 2>&1');
  });

  it('holds the card read-only under a read-only rule: the kernel refuses every write', async () => {
    await deploy(files.readOnlyCard);
    await policyVersion(3);
    const ro = await waitUntil(
      async () => (await cardEvents('usb.read-only')).at(-1),
      'usb.read-only for the card',
      WAIT_MS,
    );
    expect(ro.data).toMatchObject({ rule: { by: 'rule', index: 1, note: '只读存储卡' } });
    expect(ro.data.readOnlyFellBack).toBeUndefined();
    expect(await cardBound()).toBe(true);
    expect((await vm.readGuestFile('/sys/block/mmcblk0/ro')).toString().trim()).toBe('1');
    expect((await vm.readGuestFile('/sys/block/mmcblk0/mmcblk0p1/ro')).toString().trim()).toBe('1');
    for (const dev of ['/dev/mmcblk0', '/dev/mmcblk0p1']) {
      const w = await vm.sh(`dd if=/dev/zero of=${dev} bs=512 count=1 oflag=direct`);
      expect(w.code, `${dev}: ${w.stderr}`).not.toBe(0);
      expect(w.stderr).toMatch(/Operation not permitted|Read-only/);
    }
    await vm.shOk('dd if=/dev/mmcblk0p1 of=/dev/null bs=512 count=1 iflag=direct 2>&1');
    await vm.ejectCard();
    await waitUntil(async () => (await cardEvents('usb.removed')).length === 2, 'removed', WAIT_MS);
  });

  it('after kill -9 of the agent, a newly plugged stick still waits unauthorized', async () => {
    await agent?.kill('SIGKILL');
    await agent?.exited;
    agent = null;
    await vm.plugStick({ id: 'b2', serial: 'BLOCK2' });
    // An SD card too: drivers_autoprobe stays 0 without the agent.
    await vm.insertCard();
    await plugged('BLOCK2');
    await waitUntil(async () => (await vm.sh(`test -e ${CARD}`)).code === 0, 'card', WAIT_MS);
    await sleep(HOLD_MS);
    expect((await bySerial('BLOCK2'))?.authorized).toBe('0');
    expect(await scsiDisks(vm)).toEqual([]);
    expect(await cardBound()).toBe(false);
    expect(await mmcDisks()).toEqual([]);
    // While it is down, someone (as root) opens a root hub and usbcore's default.
    const hub = (await usbDevices(vm)).filter((d) => /^usb\d+$/.test(d.name)).at(-1)!;
    await vm.shOk(`echo 1 > ${hub.path}/authorized_default`);
    await vm.shOk(`echo -1 > ${USBCORE_DEFAULT}`);
    // The agent comes back (systemd restarts it at once), says what was opened in this boot
    // while it was stopped, seals it again, and decides the waiting stick.
    await startAgent();
    const lost = await waitUntil(
      async () =>
        (await eventsFromDisk('usb.enforcement-lost')).find((e) => e.data.why === 'while-stopped'),
      'usb.enforcement-lost for what was opened while the agent was stopped',
      WAIT_MS,
    );
    expect(lost.data).toMatchObject({
      open: [hub.name, 'usbcore.authorized_default'],
      resealed: true,
    });
    expect((await vm.readGuestFile(`${hub.path}/authorized_default`)).toString().trim()).toBe('0');
    expect((await vm.readGuestFile(USBCORE_DEFAULT)).toString().trim()).toBe('0');
    const blocked = await waitUntil(
      async () => (await eventsFromDisk('usb.blocked')).find((e) => e.data.serial === 'BLOCK2'),
      'BLOCK2 decided after the restart',
      WAIT_MS,
    );
    expect(blocked.data).toMatchObject({ because: 'present' });
    expect((await bySerial('BLOCK2'))?.authorized).toBe('0');
  });

  it('installs as a Debian package: dpkg -i puts the agent at /usr/lib/baomi, /usr/bin/baomi runs it; removing it releases the seal; purging keeps the log', async () => {
    // Packed on the host (its own Node and native modules), installed in the guest's overlay
    // (the host's dpkg database, written only in guest memory). No systemd runs in the guest:
    // the maintainer scripts skip systemctl there, as in a container.
    const out = join(host, 'deb');
    execFileSync(process.execPath, ['scripts/pack-agent.mjs', '--out', out], { cwd: CHECKOUT });
    execFileSync(
      process.execPath,
      ['scripts/pack-agent-deb.mjs', '--from', join(out, 'baomi'), '--out', out],
      { cwd: CHECKOUT },
    );
    const deb = readdirSync(out).find((f) => f.endsWith('.deb'));
    expect(deb).toBeDefined();
    const file = join(out, deb!);
    await vm.shOk('mkdir -p /var/lib/baomi && echo evidence > /var/lib/baomi/kept');
    await vm.shOk(`dpkg -i ${file} 2>&1`, { timeoutMs: 300_000 });
    const version = JSON.parse(readFileSync(join(CHECKOUT, 'package.json'), 'utf8')).version;
    // /usr/bin/baomi runs the shipped node: the PATH holds only what its launcher needs (the
    // guest sees the host's /usr/bin/node otherwise).
    const tools = await vm.mkdtemp();
    await vm.shOk(`ln -s /usr/bin/readlink /usr/bin/dirname ${tools}/`);
    expect(await vm.shOk(`env -i PATH=${tools} /usr/bin/baomi --version`)).toContain(version);
    expect((await vm.sh(`env -i PATH=${tools} node --version`)).code).not.toBe(0);
    expect((await vm.sh('test -x /usr/lib/baomi/baomi-usb-ro')).code).toBe(0);
    expect((await vm.sh('test -f /usr/lib/udev/rules.d/70-baomi-usb-ro.rules')).code).toBe(0);
    expect(await vm.shOk('getent group baomi-admin')).toMatch(/^baomi-admin:/);
    expect(await vm.shOk(`dpkg-query -W -f '\${Status}' baomi-agent`)).toBe('install ok installed');
    // The shipped runtime loads the shipped native modules in the guest's kernel too.
    expect(
      await vm.shOk(
        `/usr/lib/baomi/node -e "const D=require('/usr/lib/baomi/node_modules/better-sqlite3');require('/usr/lib/baomi/node_modules/usb');process.stdout.write(String(new D(':memory:').prepare('select 6*7 as x').get().x))"`,
      ),
    ).toBe('42');
    // Removed, the seal goes with it. While an agent answers, `usb release` is refused (it
    // would seal again); stopped, the agent leaves every port sealed (fail closed) until the
    // package's prerm releases them.
    const refused = await vm.sh(`/usr/bin/baomi usb release --socket ${sockets}/admin.sock`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/An agent answers on/);
    await agent?.kill('SIGTERM');
    await agent?.exited;
    agent = null;
    const hubs = (await usbDevices(vm)).filter((d) => /^usb\d+$/.test(d.name));
    expect(hubs.length).toBeGreaterThan(0);
    const defaults = async () =>
      Promise.all(
        [...hubs.map((h) => `${h.path}/authorized_default`), USBCORE_DEFAULT].map(async (f) =>
          (await vm.readGuestFile(f)).toString().trim(),
        ),
      );
    expect(new Set(await defaults())).toEqual(new Set(['0']));
    // What the first seal of this boot found is recorded for the release (found.ts).
    const found = JSON.parse((await vm.readGuestFile('/run/baomi/usb-found.json')).toString());
    expect(found.bootId).toBe((await vm.shOk('cat /proc/sys/kernel/random/boot_id')).trim());
    for (const h of hubs) expect(found.places[h.name]).toBe('1');
    const removed = await vm.shOk('dpkg -r baomi-agent 2>&1', { timeoutMs: 300_000 });
    expect(removed).toMatch(/USB released for good/);
    expect(await defaults()).toEqual([...hubs.map(() => '1'), '-1']);
    expect((await vm.sh('test -e /run/baomi/usb-found.json')).code).not.toBe(0);
    // A stick plugged now is authorized by the kernel as if no agent had ever run.
    await vm.plugStick({ id: 'r1', serial: 'AFTER1' });
    await plugged('AFTER1');
    expect((await bySerial('AFTER1'))?.authorized).toBe('1');
    await vm.shOk('dpkg -P baomi-agent 2>&1', { timeoutMs: 300_000 });
    expect((await vm.sh('test -e /usr/bin/baomi')).code).not.toBe(0);
    expect((await vm.sh('test -e /usr/lib/baomi')).code).not.toBe(0);
    expect((await vm.readGuestFile('/var/lib/baomi/kept')).toString()).toBe('evidence\n');
  }, 600_000); // dpkg unpacks 150 MB under emulation: 160 s here beside a CI run
});
