// What every staff command does first: read its flags (commander gives `console`'s own options
// to `console`, so a subcommand reads its own with optsWithGlobals), find the console, and
// open a client with the API token; closed when the command ends, whatever happens.
import type { Command } from 'commander';
import { BaomiError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { StaffClient } from './client.js';
import { apiToken, type ConnectionFlags, connection } from './connection.js';
import type { ListFlags } from './output.js';

export interface StaffFlags extends ConnectionFlags, ListFlags {}

/**
 * The command's flags (its own and its parents'). A flag given an empty value (`--user=`,
 * `--group ''`) is bad usage here, said in the person's language: it never filters, names or
 * notes anything, and the console's answer would be schema jargon.
 */
export function flagsOf<T extends object>(cmd: Command): T {
  const flags = cmd.optsWithGlobals() as Record<string, unknown>;
  for (const [key, value] of Object.entries(flags)) {
    // `--ca ''` is how one command drops a BAOMI_CONSOLE_CA pin (connection.ts).
    if (key === 'ca') continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'string' && v.trim() === ''))
      throw new BaomiError(
        'CLI_EMPTY_OPTION',
        { option: `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` },
        2,
      );
  }
  return flags as T;
}

export async function withStaff<T>(
  ctx: CommandContext,
  f: ConnectionFlags,
  work: (c: StaffClient) => Promise<T>,
): Promise<T> {
  const conn = connection(f);
  const token = apiToken(f);
  const client = new StaffClient(conn, ctx.lang, { token });
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

/** A whole number within [min, max] from a flag, or undefined when the flag is absent. */
export function wholeNumber(
  option: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new BaomiError('CONSOLE_CLIENT_BAD_NUMBER', { option, value, min, max }, 2);
  return n;
}

/** A value from a fixed list, else bad usage naming the choices. */
export function choice<T extends string>(
  option: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value))
    throw new BaomiError('CLI_BAD_CHOICE', { option, value, choices: choices.join(', ') }, 2);
  return value as T;
}
