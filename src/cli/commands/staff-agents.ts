// `baomi console agents [--group G] [--text T]`, `baomi console agent ID` and
// `baomi console revoke ID`: the enrolled computers as the console sees them.
import type { Command } from 'commander';
import type { AgentView } from '../../core/console/api.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { CommandContext } from '../context.js';
import { jsonLine } from '../printable.js';
import { flagsOf, type StaffFlags, withStaff } from '../staff/open.js';
import { type Column, note, out, printRecord, printRows, when } from '../staff/output.js';

interface AgentsFlags extends StaffFlags {
  group?: string;
  text?: string;
}

const policyText = (a: AgentView) => (a.policy ? `${a.policy.name} v${a.policy.version}` : '');
/** Enforcing or not, and when not, the reason the agent gave (e.g. `no-udev`). */
const usbText = (t: Translate, a: AgentView) =>
  a.usbEnforcing === null
    ? ''
    : a.usbEnforcing
      ? t('cli.staff.usb.on')
      : `${t('cli.staff.usb.off')}${a.usbReason ? ` (${a.usbReason})` : ''}`;
const num = (n: number | null) => (n === null ? '' : String(n));

export function agentColumns(t: Translate, csv: boolean): Column<AgentView>[] {
  const state: Column<AgentView> = {
    name: 'state',
    // CSV keeps the API's word (scripts compare it); the table says it in the reader's language.
    cell: (a) => (csv ? a.state : t(`cli.staff.state.${a.state}`)),
  };
  const all: Record<string, Column<AgentView>> = {
    id: { name: 'id', cell: (a) => a.id },
    host: { name: 'host', cell: (a) => a.host },
    os: { name: 'os', cell: (a) => a.os },
    group: { name: 'group', cell: (a) => a.group },
    department: { name: 'department', cell: (a) => a.department ?? '' },
    class: { name: 'class', cell: (a) => a.personnelClass ?? '' },
    state,
    lastSeen: { name: 'last_seen', cell: () => '', time: (a) => a.lastSeen },
    seatUser: { name: 'seat_user', cell: (a) => a.seatUser ?? '' },
    version: { name: 'agent_version', cell: (a) => a.agentVersion ?? '' },
    policy: { name: 'policy', cell: policyText },
    usb: {
      name: 'usb_enforcing',
      cell: (a) => (csv ? (a.usbEnforcing === null ? '' : String(a.usbEnforcing)) : usbText(t, a)),
    },
    usbReason: { name: 'usb_reason', cell: (a) => a.usbReason ?? '' },
    waiting: { name: 'events_waiting', cell: (a) => num(a.eventsWaiting) },
    acked: { name: 'acked_seq', cell: (a) => String(a.ackedSeq) },
    enrolled: { name: 'enrolled', cell: () => '', time: (a) => a.enrolledAt },
    revoked: { name: 'revoked', cell: () => '', time: (a) => a.revokedAt },
  };
  const pick = (names: string[]) => names.map((n) => all[n]!);
  return csv
    ? pick(Object.keys(all))
    : pick(['id', 'host', 'group', 'state', 'lastSeen', 'seatUser', 'policy', 'usb', 'waiting']);
}

export default async function agents(
  ctx: CommandContext,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<AgentsFlags>(cmd);
  return withStaff(ctx, f, async (c) => {
    const { agents: rows } = await c.get<{ agents: AgentView[] }>('/api/v1/agents', {
      group: f.group,
      text: f.text,
    });
    printRows(rows, agentColumns(ctx.t, Boolean(f.csv)), f, ctx.t, ctx.t('cli.staff.agents.none'));
    return 0;
  });
}

function agentPairs(t: Translate, a: AgentView, utc?: boolean): [string, string][] {
  const label = (k: string) => t(`cli.staff.label.${k}`);
  return [
    [label('id'), a.id],
    [label('host'), a.host],
    [label('os'), a.os],
    [label('group'), a.group],
    [label('department'), a.department ?? ''],
    [label('class'), a.personnelClass ?? ''],
    [label('state'), t(`cli.staff.state.${a.state}`)],
    [label('enrolled'), when(a.enrolledAt, utc)],
    [label('lastSeen'), when(a.lastSeen, utc)],
    [label('seatUser'), a.seatUser ?? ''],
    [label('agentVersion'), a.agentVersion ?? ''],
    [label('policy'), policyText(a)],
    [label('usb'), usbText(t, a)],
    [label('waiting'), num(a.eventsWaiting)],
    [label('acked'), String(a.ackedSeq)],
    ...(a.revokedAt === null
      ? []
      : [[label('revoked'), when(a.revokedAt, utc)] as [string, string]]),
  ];
}

export async function agent(
  ctx: CommandContext,
  id: string,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<StaffFlags>(cmd);
  return withStaff(ctx, f, async (c) => {
    const a = await c.get<AgentView>(`/api/v1/agents/${encodeURIComponent(id)}`);
    printRecord(agentPairs(ctx.t, a, f.utc), a, f.json);
    return 0;
  });
}

export async function revoke(
  ctx: CommandContext,
  id: string,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<StaffFlags>(cmd);
  return withStaff(ctx, f, async (c) => {
    const path = `/api/v1/agents/${encodeURIComponent(id)}`;
    await c.post<{ ok: boolean }>(`${path}/revoke`);
    const a = await c.get<AgentView>(path);
    if (f.json) out(`${jsonLine(a)}\n`);
    else
      out(
        `${ctx.t('cli.staff.revoked', { id: a.id, host: a.host, at: when(a.revokedAt, f.utc) })}\n`,
      );
    if (a.state !== 'revoked') note(ctx.t('cli.staff.revokeNotShown', { id: a.id }));
    return a.state === 'revoked' ? 0 : 1;
  });
}
