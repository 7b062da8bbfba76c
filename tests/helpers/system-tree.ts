// Checks on the agent as a Linux package installs it (the .deb and the .rpm unpacked into a
// folder standing for /): what the systemd unit and the udev rule run is where they say, and
// /usr/bin/baomi runs with its own node when only readlink and dirname are on the PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export function expectRunnableSystemTree(sys: string, version: string): void {
  const unit = readFileSync(join(sys, 'usr/lib/systemd/system/baomi-agent.service'), 'utf8');
  const exec = /^ExecStart=(\S+) (\S+) agent --enforce$/m.exec(unit);
  expect(exec).not.toBeNull();
  for (const f of [exec![1]!, exec![2]!]) expect(existsSync(join(sys, f)), f).toBe(true);
  const rule = readFileSync(join(sys, 'usr/lib/udev/rules.d/70-baomi-usb-ro.rules'), 'utf8');
  const runs = [...rule.matchAll(/RUN\+="(\S+)/g)].map((m) => m[1]!);
  expect(runs.length).toBeGreaterThan(0);
  for (const f of runs) expect(statSync(join(sys, f)).mode & 0o111, f).toBe(0o111);
  const bin = mkdtempSync(join(tmpdir(), 'baomi-path-'));
  try {
    for (const tool of ['readlink', 'dirname']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    const run = spawnSync(join(sys, 'usr/bin/baomi'), ['--version'], {
      cwd: '/',
      env: { PATH: bin, LANG: 'en_US.UTF-8' },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(version);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

/**
 * What objdump (binutils, there wherever better-sqlite3 was compiled) says the ELF file needs:
 * every library it links → the symbol versions it asks of it (maybe none), read independently
 * of scripts/elf-needs.mjs.
 */
export function objdumpNeeds(file: string): Map<string, string[]> {
  const r = spawnSync('objdump', ['-p', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(r.status, r.stderr).toBe(0);
  const needs = new Map<string, string[]>();
  let lib: string | undefined;
  for (const line of r.stdout.split('\n')) {
    // Every library it links (the Dynamic Section), with or without versioned symbols.
    const linked = /^\s+NEEDED\s+(\S+)$/.exec(line);
    if (linked) needs.set(linked[1]!, needs.get(linked[1]!) ?? []);
    const from = /^\s+required from (\S+):$/.exec(line);
    if (from) {
      lib = from[1]!;
      needs.set(lib, needs.get(lib) ?? []);
      continue;
    }
    const v = /^\s+0x[0-9a-f]+ 0x[0-9a-f]+ \d+ (\S+)$/.exec(line);
    if (v && lib) needs.get(lib)!.push(v[1]!);
    else if (line.trim() === '' || !line.startsWith(' ')) lib = undefined;
  }
  return needs;
}

/** Whether dotted version a is newer than b (2.28 > 2.9). */
export const newer = (a: string, b: string): boolean => {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
};

/** The ELF files of the packed tree `pkg` a glibc system loads: node and the native modules. */
export function shippedElves(pkg: string): string[] {
  const manifest = JSON.parse(readFileSync(join(pkg, 'MANIFEST.json'), 'utf8'));
  return [
    join(pkg, 'node'),
    ...(manifest.native as string[]).filter((f) => !f.includes('.musl.')).map((f) => join(pkg, f)),
  ];
}

/** The newest GLIBC_ symbol version objdump finds the packed tree's binaries asking for. */
export function newestGlibc(pkg: string): string {
  let newest = '0';
  for (const f of shippedElves(pkg))
    for (const versions of objdumpNeeds(f).values())
      for (const v of versions) {
        const m = /^GLIBC_(\d+(?:\.\d+)*)$/.exec(v);
        if (m && newer(m[1]!, newest)) newest = m[1]!;
      }
  return newest;
}

export const hasObjdump = spawnSync('objdump', ['--version']).status === 0;
