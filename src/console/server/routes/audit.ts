// The audit trail (admin, auditor): GET /audit pages it by seq; GET /audit/verify walks the
// whole chain from the genesis with core's verifyAudit and names every break. No route
// writes, edits or deletes a row: rows are appended only as a side effect of staff actions.
import type { FastifyInstance } from 'fastify';
import { verifyAudit } from '../../../core/console/audit.js';
import { requireStaff } from '../../auth/staff.js';
import type { AuditRow } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { S } from '../schemas.js';

const PAGE = 1000;

export function auditRoutes(app: FastifyInstance, deps: Deps): void {
  const readers = requireStaff(deps, ['admin', 'auditor']);

  app.get<{ Querystring: { after?: number; limit?: number } }>(
    '/api/v1/audit',
    {
      schema: S.query({ after: S.int(0, Number.MAX_SAFE_INTEGER), limit: S.int(1, PAGE) }),
      preHandler: readers,
    },
    async (req) => {
      const limit = req.query.limit ?? 100;
      const rows = await deps.store.listAudit({ afterSeq: req.query.after ?? 0, limit });
      const last = rows.at(-1);
      return { rows, next: rows.length === limit && last ? last.seq : null };
    },
  );

  app.get('/api/v1/audit/verify', { schema: S.query({}), preHandler: readers }, async () => {
    // The trail of staff actions is small (thousands of rows); it is read in pages and
    // walked at once, so a gap between pages is seen like any other.
    const rows: AuditRow[] = [];
    for (let after = 0; ; ) {
      const page = await deps.store.listAudit({ afterSeq: after, limit: PAGE });
      rows.push(...page);
      if (page.length < PAGE) break;
      after = page.at(-1)!.seq;
    }
    return verifyAudit(rows);
  });
}
