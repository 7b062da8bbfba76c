// The registry through `reg.exe`, for the USB adapter's machine-wide switches (USBSTOR's start
// type, device installation restrictions, StorageDevicePolicies). Every call names the 64-bit
// view (`/reg:64`), so a 32-bit Node on 64-bit Windows does not write into WOW6432Node where
// Windows never looks. `reg query` prints value names and types untranslated on every display
// language; only its error messages are localised, so failures are told apart by exit code.
import type { CommandResult, CommandRunner } from '../../core/ports/commands.js';

export interface RegValue {
  name: string;
  type: string;
  data: string;
}

export type RegRead =
  | { ok: true; values: RegValue[] }
  /** The key or value does not exist (reg exits 1). */
  | { ok: false; absent: true }
  /** reg.exe is missing, timed out or failed otherwise: nothing is known. */
  | { ok: false; absent?: false; error: string };

/** The values printed directly under the first key of `reg query` (subkey lines are skipped). */
export function parseRegQuery(text: string): RegValue[] {
  const out: RegValue[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (m) out.push({ name: m[1]!, type: m[2]!, data: (m[3] ?? '').trimEnd() });
  }
  return out;
}

/** A REG_DWORD as reg prints it ("0x4"), or undefined. */
export function dwordOf(v: RegValue | undefined): number | undefined {
  if (v?.type !== 'REG_DWORD' || !/^0x[0-9a-f]{1,8}$/i.test(v.data)) return undefined;
  return Number.parseInt(v.data.slice(2), 16);
}

export function failure(cmd: string, r: CommandResult): string {
  if (r.missing) return `${cmd} is missing`;
  if (r.timedOut) return `${cmd} timed out`;
  const why = (r.stderr || r.stdout).trim().split(/\r?\n/)[0];
  return `${cmd} failed (exit ${r.code})${why ? `: ${why}` : ''}`;
}

const TIMEOUT_MS = 10_000;

export function createReg(commands: CommandRunner) {
  const run = (args: string[]) =>
    commands.run('reg.exe', [...args, '/reg:64'], { timeoutMs: TIMEOUT_MS });
  return {
    async query(key: string, name?: string): Promise<RegRead> {
      const r = await run(['query', key, ...(name === undefined ? [] : ['/v', name])]);
      if (r.code === 0) return { ok: true, values: parseRegQuery(r.stdout) };
      if (r.code === 1 && !r.missing && !r.timedOut) return { ok: false, absent: true };
      return { ok: false, error: failure('reg query', r) };
    },
    /** One REG_DWORD: a number, null when absent, an Error when unreadable. */
    async dword(key: string, name: string): Promise<number | null | Error> {
      const r = await this.query(key, name);
      if (r.ok) {
        const v = r.values.find((x) => x.name.toLowerCase() === name.toLowerCase());
        return dwordOf(v) ?? null;
      }
      return r.absent ? null : new Error(r.error);
    },
    /** Writes a REG_DWORD; an error text, or undefined when reg said it was done. */
    async setDword(key: string, name: string, value: number): Promise<string | undefined> {
      const r = await run(['add', key, '/v', name, '/t', 'REG_DWORD', '/d', String(value), '/f']);
      return r.code === 0 ? undefined : failure('reg add', r);
    },
    async setString(key: string, name: string, value: string): Promise<string | undefined> {
      const r = await run(['add', key, '/v', name, '/t', 'REG_SZ', '/d', value, '/f']);
      return r.code === 0 ? undefined : failure('reg add', r);
    },
    async deleteKey(key: string): Promise<string | undefined> {
      const r = await run(['delete', key, '/f']);
      return r.code === 0 ? undefined : failure('reg delete', r);
    },
    async deleteValue(key: string, name: string): Promise<string | undefined> {
      const r = await run(['delete', key, '/v', name, '/f']);
      return r.code === 0 ? undefined : failure('reg delete', r);
    },
  };
}

export type Reg = ReturnType<typeof createReg>;
