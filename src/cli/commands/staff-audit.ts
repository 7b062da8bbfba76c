// `baomi console audit [--after SEQ] [--limit N]`: the console's trail of staff actions
// (admin, auditor), oldest first, complete unless --limit (pages of 1,000 by seq); and
// `baomi console audit --verify`: the console walks the whole hash chain; exit 1 with every
// break when it does not hold.
import type { Command } from 'commander';
import type { AuditRow } from '../../console/store/types.js';
import type { CommandContext } from '../context.js';
import { jsonLine } from '../printable.js';
import { flagsOf, type StaffFlags, wholeNumber, withStaff } from '../staff/open.js';
import { type Column, csvHeaderOf, csvRowsOf, note, out, tableOf } from '../staff/output.js';
import { parseLimit } from '../time.js';

/** The console's largest page (routes/audit.ts). */
const PAGE = 1000;

interface AuditFlags extends StaffFlags {
  after?: string;
  limit?: string;
  verify?: boolean;
}

interface Verdict {
  ok: boolean;
  checked: number;
  breaks: { seq: number; kind: 'hash' | 'link' | 'gap' }[];
}

export function auditColumns(csv: boolean): Column<AuditRow>[] {
  return [
    { name: 'seq', cell: (r) => String(r.seq) },
    { name: 'time', cell: () => '', time: (r) => r.ts },
    { name: 'actor', cell: (r) => r.actor },
    { name: 'action', cell: (r) => r.action },
    { name: 'ip', cell: (r) => r.ip },
    { name: 'target', cell: (r) => r.target },
    { name: 'details', cell: (r) => jsonLine(r.details) },
    ...(csv
      ? [
          { name: 'prev_hash', cell: (r: AuditRow) => r.prevHash },
          { name: 'hash', cell: (r: AuditRow) => r.hash },
        ]
      : []),
  ];
}

export default async function audit(
  ctx: CommandContext,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<AuditFlags>(cmd);
  if (f.verify) return verify(ctx, f);
  const limit = parseLimit(f.limit);
  let after = wholeNumber('--after', f.after, 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const cols = auditColumns(Boolean(f.csv));
  return withStaff(ctx, f, async (c) => {
    const all: AuditRow[] = [];
    let shown = 0;
    let next: number | null = null;
    if (f.csv) out(`${csvHeaderOf(cols)}\r\n`);
    for (;;) {
      const want = limit === undefined ? PAGE : Math.min(PAGE, limit - shown);
      const page = await c.get<{ rows: AuditRow[]; next: number | null }>('/api/v1/audit', {
        after,
        limit: want,
      });
      shown += page.rows.length;
      if (f.json) for (const r of page.rows) out(`${jsonLine(r)}\n`);
      else if (f.csv) {
        if (page.rows.length) out(`${csvRowsOf(page.rows, cols, f.utc)}\r\n`);
      } else all.push(...page.rows);
      next = page.next;
      if (next === null || page.rows.length === 0) break;
      after = next;
      if (limit !== undefined && shown >= limit) break;
    }
    if (!f.json && !f.csv)
      out(`${all.length ? tableOf(all, cols, ctx.t, f.utc) : ctx.t('cli.staff.audit.none')}\n`);
    // Cut by --limit: say whether rows follow, and where to go on.
    if (limit !== undefined && next !== null) {
      const probe = await c.get<{ rows: AuditRow[] }>('/api/v1/audit', { after: next, limit: 1 });
      if (probe.rows.length) note(ctx.t('cli.staff.audit.more', { shown, limit, after: next }));
    }
    return 0;
  });
}

async function verify(ctx: CommandContext, f: AuditFlags): Promise<number> {
  return withStaff(ctx, f, async (c) => {
    const v = await c.get<Verdict>('/api/v1/audit/verify');
    if (f.json) out(`${jsonLine(v)}\n`);
    else if (v.ok) out(`${ctx.t('cli.staff.audit.intact', { checked: v.checked })}\n`);
    else {
      const lines = v.breaks.map(
        (b) => `  ${ctx.t(`cli.staff.audit.break.${b.kind}`, { seq: b.seq })}`,
      );
      out(
        `${ctx.t('cli.staff.audit.broken', { count: v.breaks.length, checked: v.checked })}\n${lines.join('\n')}\n`,
      );
    }
    return v.ok ? 0 : 1;
  });
}
