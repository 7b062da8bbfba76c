// `baomi console login NAME [--days N]`: how a member of staff gets an API token for the
// staff CLI and for scripts. The password is asked for without echo (or read from the first
// line of piped stdin, never an argument); the CLI logs in, makes a token with the caller's
// role (POST /api/v1/tokens), ends the session it used, and prints the token once, as the
// shell lines that export it (so `eval "$(baomi console login NAME)"` works too). The console
// keeps only the token's hash: it cannot be shown again, only replaced; `baomi console logout`
// ends the token in use.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { LoginResponse } from '../../core/console/api.js';
import { BaomiError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { readPassword } from '../password-prompt.js';
import { StaffClient } from '../staff/client.js';
import { type ConnectionFlags, connection } from '../staff/connection.js';
import { flagsOf, type StaffFlags, wholeNumber, withStaff } from '../staff/open.js';
import { note, out, when } from '../staff/output.js';
import { shellWord } from './staff-enroll.js';

/** The console's bounds (routes/session.ts). */
const DAYS_MAX = 365;
const SESSION_COOKIE = 'baomi_session';

interface LoginFlags extends ConnectionFlags {
  days?: string;
  utc?: boolean;
}

/** What the token is called in the console's lists and audit trail. */
function tokenName(): string {
  const host = hostname().replace(/[\u0000-\u001f\u007f]/g, '');
  return `baomi console login (${host})`.slice(0, 100);
}

export default async function login(
  ctx: CommandContext,
  name: string,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<LoginFlags>(cmd);
  const days = wholeNumber('--days', f.days, 1, DAYS_MAX);
  const conn = connection(f);
  const t = ctx.t;
  const password = await readPassword({
    first: t('cli.staff.login.prompt', { name, url: conn.base }),
  });
  const client = new StaffClient(conn, ctx.lang, null);
  try {
    const answer = await client.call<LoginResponse>('POST', '/api/v1/login', undefined, {
      name,
      password,
    });
    const cookies = [answer.headers['set-cookie'] ?? []].flat();
    const session = cookies
      .map((c) => c.split(';')[0]!.trim())
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (!session)
      throw new BaomiError('CONSOLE_CLIENT_BAD_ANSWER', { url: conn.base, status: answer.status });
    const me = answer.body;
    client.auth = { cookie: session, csrf: me.csrfToken };
    const made = await client.post<{ id: string; token: string; expiresAt: number }>(
      '/api/v1/tokens',
      { name: tokenName(), ...(days === undefined ? {} : { days }) },
    );
    // The session was only the way to the token: end it (it would expire in hours anyway).
    try {
      await client.post('/api/v1/logout');
    } catch {
      note(t('cli.staff.login.sessionLeft'));
    }
    note(
      t('cli.staff.login.made', {
        name: me.name,
        role: me.role,
        until: when(made.expiresAt, f.utc),
        id: made.id,
      }),
    );
    const lines = [
      `export BAOMI_CONSOLE=${shellWord(conn.base)}`,
      ...(conn.caFile ? [`export BAOMI_CONSOLE_CA=${shellWord(resolve(conn.caFile))}`] : []),
      `export BAOMI_CONSOLE_TOKEN=${shellWord(made.token)}`,
    ];
    out(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    client.close();
  }
}

/** `baomi console logout`: ends the API token in use (a script's, or one that leaked). */
export async function logout(ctx: CommandContext, _o: unknown, cmd: Command): Promise<number> {
  const f = flagsOf<StaffFlags>(cmd);
  return withStaff(ctx, f, async (c) => {
    await c.post<{ ok: boolean }>('/api/v1/logout');
    out(`${ctx.t('cli.staff.logout.done')}\n`);
    return 0;
  });
}
