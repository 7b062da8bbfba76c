// The audit trail (admin, auditor): GET /audit pages it by seq; GET /audit/verify walks the
// whole chain from the genesis with core's verifyAudit and names every break, and compares
// its end with the head the store keeps (rows deleted from the end: a `truncated` break).
// No route writes, edits or deletes a row: rows are appended only with staff actions.
import type { FastifyInstance } from 'fastify';
import { verifyAudit } from '../../../core/console/audit.js';
import { requireStaff } from '../../auth/staff.js';
import type { AuditRow } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { queryInt, S } from '../schemas.js';

const PAGE = 1000;

export function auditRoutes(app: FastifyInstance, deps: Deps): void {
  const readers = requireStaff(deps, ['admin', 'auditor']);

  app.get<{ Querystring: { after?: string; limit?: string } }>(
    '/api/v1/audit',
    {
      schema: S.query({ after: S.qint, limit: S.qint }),
      preValidation: readers,
    },
    async (req) => {
      const limit = queryInt('limit', req.query.limit, 1, PAGE) ?? 100;
      const after = queryInt('after', req.query.after, 0, Number.MAX_SAFE_INTEGER) ?? 0;
      const rows = await deps.store.listAudit({ afterSeq: after, limit });
      const last = rows.at(-1);
      return { rows, next: rows.length === limit && last ? last.seq : null };
    },
  );

  app.get('/api/v1/audit/verify', { schema: S.query({}), preValidation: readers }, async () => {
    // The trail of staff actions is small (thousands of rows); it is read in pages and
    // walked at once, so a gap between pages is seen like any other.
    const rows: AuditRow[] = [];
    for (let after = 0; ; ) {
      const page = await deps.store.listAudit({ afterSeq: after, limit: PAGE });
      rows.push(...page);
      if (page.length < PAGE) break;
      after = page.at(-1)!.seq;
    }
    // The head is read after the rows: an append in between makes it newer than the last row
    // read, so that case is read again rather than reported as a cut.
    let head = await deps.store.auditHead();
    for (let tries = 0; tries < 3 && head && head.seq > (rows.at(-1)?.seq ?? 0); tries++) {
      const more = await deps.store.listAudit({ afterSeq: rows.at(-1)?.seq ?? 0, limit: PAGE });
      if (more.length === 0) break;
      rows.push(...more);
      head = await deps.store.auditHead();
    }
    return verifyAudit(rows, head);
  });
}
