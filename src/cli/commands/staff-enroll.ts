// `baomi console enroll-token --group G [--uses N] [--hours H] [--department D] [--class C]`
// makes an enrollment token (admin) and prints it once, with the exact `baomi enroll` line IT
// runs on each workstation; `--list` lists the tokens (never their secret: the console keeps
// only a hash); `--revoke ID` ends one (the agents it enrolled stay enrolled).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { EnrollTokenView } from '../../core/console/api.js';
import { BaomiError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { jsonLine, printable } from '../printable.js';
import { choice, flagsOf, type StaffFlags, wholeNumber, withStaff } from '../staff/open.js';
import { type Column, note, out, printRows, when } from '../staff/output.js';
import { PERSONNEL_CLASSES } from './staff-policy.js';

/** The console's bounds (routes/enrollment.ts). */
const USES_MAX = 10_000;
const HOURS_MAX = 90 * 24;

interface EnrollFlags extends StaffFlags {
  group?: string;
  uses?: string;
  hours?: string;
  department?: string;
  class?: string;
  regroup?: boolean;
  list?: boolean;
  revoke?: string;
}

interface Created {
  id: string;
  token: string;
  group: string;
  usesLeft: number;
  expiresAt: number;
  department: string | null;
  personnelClass: string | null;
  /** Set when the token moved an existing group (with --regroup). */
  before?: { department: string | null; personnelClass: string | null };
}

/** A word a POSIX shell reads back as itself. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export default async function enrollToken(
  ctx: CommandContext,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<EnrollFlags>(cmd);
  const creating =
    f.group !== undefined ||
    f.uses !== undefined ||
    f.hours !== undefined ||
    f.department !== undefined ||
    f.class !== undefined ||
    f.regroup === true;
  const modes = [creating, Boolean(f.list), f.revoke !== undefined].filter(Boolean).length;
  if (modes !== 1 || (creating && f.group === undefined))
    throw new BaomiError('CONSOLE_CLIENT_ENROLL_MODE', {}, 2);
  if (f.list) return list(ctx, f);
  if (f.revoke !== undefined) return revoke(ctx, f, f.revoke);

  const body = {
    group: f.group!,
    uses: wholeNumber('--uses', f.uses, 1, USES_MAX),
    hours: wholeNumber('--hours', f.hours, 1, HOURS_MAX),
    department: f.department,
    personnelClass: choice('--class', f.class, PERSONNEL_CLASSES),
    ...(f.regroup ? { regroup: true } : {}),
  };
  return withStaff(ctx, f, async (c) => {
    const made = await c.post<Created>('/api/v1/enrollment-tokens', body);
    const line = [
      'baomi enroll --console',
      shellWord(c.conn.base),
      '--token',
      shellWord(made.token),
      ...(c.conn.caFile ? ['--ca', shellWord(resolve(c.conn.caFile))] : []),
    ].join(' ');
    if (f.json) {
      out(`${jsonLine({ ...made, enroll: line })}\n`);
      return 0;
    }
    const t = ctx.t;
    out(
      `${t('cli.staff.enroll.made', {
        group: made.group,
        uses: made.usesLeft,
        until: when(made.expiresAt, f.utc),
        id: made.id,
      })}\n${printable(made.token)}\n\n${t('cli.staff.enroll.forIt')}\n  ${line}\n`,
    );
    if (c.conn.caFile) out(`${t('cli.staff.enroll.copyCa', { ca: resolve(c.conn.caFile) })}\n`);
    if (made.before)
      note(
        t('cli.staff.enroll.regrouped', {
          group: made.group,
          fromDepartment: made.before.department ?? '',
          fromClass: made.before.personnelClass ?? '',
          department: made.department ?? '',
          personnelClass: made.personnelClass ?? '',
        }),
      );
    return 0;
  });
}

function tokenState(v: EnrollTokenView, now: number): string {
  if (v.revokedAt !== null) return 'revoked';
  if (v.expiresAt <= now) return 'expired';
  if (v.usesLeft <= 0) return 'used';
  return 'live';
}

async function list(ctx: CommandContext, f: EnrollFlags): Promise<number> {
  return withStaff(ctx, f, async (c) => {
    const { tokens } = await c.get<{ tokens: EnrollTokenView[] }>('/api/v1/enrollment-tokens');
    const now = Date.now();
    const cols: Column<EnrollTokenView>[] = [
      { name: 'id', cell: (v) => v.id },
      { name: 'group', cell: (v) => v.group },
      { name: 'uses_left', cell: (v) => String(v.usesLeft) },
      { name: 'expires', cell: () => '', time: (v) => v.expiresAt },
      {
        name: 'state',
        cell: (v) =>
          f.csv ? tokenState(v, now) : ctx.t(`cli.staff.enroll.state.${tokenState(v, now)}`),
      },
      { name: 'created_by', cell: (v) => v.createdBy },
      { name: 'created', cell: () => '', time: (v) => v.createdAt },
    ];
    printRows(tokens, cols, f, ctx.t, ctx.t('cli.staff.enroll.none'));
    return 0;
  });
}

async function revoke(ctx: CommandContext, f: EnrollFlags, id: string): Promise<number> {
  return withStaff(ctx, f, async (c) => {
    const r = await c.del<{ ok: boolean; alreadyRevokedAt?: number }>(
      `/api/v1/enrollment-tokens/${encodeURIComponent(id)}`,
    );
    if (r.alreadyRevokedAt !== undefined)
      out(
        `${ctx.t('cli.staff.enroll.alreadyRevoked', { id, at: when(r.alreadyRevokedAt, f.utc) })}\n`,
      );
    else out(`${ctx.t('cli.staff.enroll.revoked', { id })}\n`);
    return 0;
  });
}
