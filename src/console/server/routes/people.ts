// GET /api/v1/people/:user/export?format=json|csv — every record the console holds about one
// employee (issue 12 point 6: access requests under PIPL), streamed in the form
// core/console/person-export.ts describes, never held whole in memory (a person may have
// millions of events: pages of PAGE rows, pulled only as fast as the client reads).
//
// Roles: admin and auditor, the two that read the audit trail. An export is a read (so the
// auditor, who reads everything and changes nothing, may make it), but it is the whole of one
// person's personal data in one file, made to leave the console: that is a compliance act,
// not an analyst's (analysts work on alerts and cases and can read events page by page; a
// stolen analyst token should not be a one-request dossier of anyone).
//
// Order of work: the store's snapshot is opened and counted, then ONE audit row
// `person.exported` (target: the user, details {format, counts}) is appended, and only then
// does the first byte go out. If the audit row cannot be written nothing is sent. If the
// stream fails after that (the database goes away, the client hangs up), the connection is
// cut without the export's last line: the client sees a truncated file (the counts are
// missing), the failure is logged, and the audit row stands, rightly: part of the data may
// have left.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  countsOf,
  csvAlertRow,
  csvCaseRow,
  csvEndRow,
  csvEventRow,
  csvHeaderLine,
  csvHeadRow,
  csvRequestRow,
  type ExportedAlert,
  type ExportedCase,
  type ExportedRequest,
  jsonHead,
  jsonRecord,
  jsonSectionClose,
  jsonSectionOpen,
  jsonTail,
  PERSON_EXPORT_FORMAT,
  PERSON_EXPORT_FORMATS,
  PERSON_EXPORT_NOTES,
  PERSON_RECORD_KINDS,
  type PersonExportCounts,
  type PersonExportFormat,
  type PersonExportHeader,
  type PersonRecordKind,
} from '../../../core/console/person-export.js';
import { requireStaff } from '../../auth/staff.js';
import { storableText } from '../../store/rows.js';
import type {
  AlertRow,
  ExceptionRequestRow,
  PersonExportReader,
  StoredEvent,
} from '../../store/types.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { S } from '../schemas.js';

/** Rows read per page of each section. */
export const PAGE = 1000;
/** Cases read per page (each with its alerts, events and history). */
export const CASE_PAGE = 100;
/** A client that reads nothing for this long is cut off (the snapshot holds a connection). */
export const EXPORT_IDLE_MS = 120_000;
/** The longest user name taken (events store what agents sent; agents send seat user names). */
const MAX_USER = 512;

export function exportedRequest(r: ExceptionRequestRow): ExportedRequest {
  return {
    id: r.id,
    agentId: r.agentId,
    user: r.user,
    device: r.device,
    deviceLabel: r.deviceLabel,
    reason: r.reason,
    requestedAt: r.requestedAt,
    state: r.state,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt,
    note: r.note,
    deliveredAt: r.deliveredAt,
    tokenIssued: r.token !== null,
  };
}

export function exportedAlert(a: AlertRow): ExportedAlert {
  return { ...a };
}

/** Every page of one section, in the store's keyset order. */
async function* section(
  reader: PersonExportReader,
  kind: PersonRecordKind,
): AsyncGenerator<object[]> {
  if (kind === 'event') {
    for (let last: StoredEvent | undefined; ; ) {
      const page = await reader.events(
        last ? { ts: last.ts, agentId: last.agentId, seq: last.seq } : null,
        PAGE,
      );
      if (page.length) yield page;
      if (page.length < PAGE) return;
      last = page.at(-1);
    }
  } else if (kind === 'request') {
    for (let last: ExceptionRequestRow | undefined; ; ) {
      const page = await reader.requests(
        last ? { requestedAt: last.requestedAt, id: last.id } : null,
        PAGE,
      );
      if (page.length) yield page.map(exportedRequest);
      if (page.length < PAGE) return;
      last = page.at(-1);
    }
  } else if (kind === 'alert') {
    for (let afterId = 0; ; ) {
      const page = await reader.alerts(afterId, PAGE);
      if (page.length) yield page.map(exportedAlert);
      if (page.length < PAGE) return;
      afterId = page.at(-1)!.id;
    }
  } else {
    // A case carries its history: fewer per page.
    for (let afterId = 0; ; ) {
      const page: ExportedCase[] = await reader.cases(afterId, CASE_PAGE);
      if (page.length) yield page;
      if (page.length < CASE_PAGE) return;
      afterId = page.at(-1)!.id;
    }
  }
}

const CSV_ROW: Record<PersonRecordKind, (r: never) => string> = {
  event: csvEventRow as (r: never) => string,
  request: csvRequestRow as (r: never) => string,
  alert: csvAlertRow as (r: never) => string,
  case: csvCaseRow as (r: never) => string,
};

/** The export's text, chunk by chunk (one chunk per page). Closes the reader at the end, on a
 *  failure and when the client goes away (Readable.from returns the generator). */
async function* render(
  reader: PersonExportReader,
  format: PersonExportFormat,
  head: PersonExportHeader,
  expected: PersonExportCounts,
  req: FastifyRequest,
): AsyncGenerator<string> {
  const streamed = { event: 0, request: 0, alert: 0, case: 0 };
  try {
    yield format === 'json' ? jsonHead(head) : csvHeaderLine() + csvHeadRow(head);
    for (const kind of PERSON_RECORD_KINDS) {
      if (format === 'json') yield jsonSectionOpen(kind);
      for await (const page of section(reader, kind)) {
        let chunk = '';
        for (const r of page) {
          chunk +=
            format === 'json' ? jsonRecord(r, streamed[kind] === 0) : CSV_ROW[kind](r as never);
          streamed[kind]++;
        }
        yield chunk;
      }
      if (format === 'json') yield jsonSectionClose();
    }
    const counts = countsOf({
      events: streamed.event,
      requests: streamed.request,
      alerts: streamed.alert,
      cases: streamed.case,
    });
    if (counts.rows !== expected.rows)
      // One snapshot: this does not happen unless the store breaks its contract. The file
      // says what it holds; the log says it differs from the audit row's counts.
      req.log.error({ expected, streamed: counts }, 'person export: rows differ from the counts');
    yield format === 'json' ? jsonTail(counts) : csvEndRow(counts);
  } catch (err) {
    req.log.error({ err, streamed }, 'person export failed while streaming; the file is cut short');
    throw err;
  } finally {
    await reader.close().catch((err: unknown) => req.log.warn({ err }, 'person export: close'));
  }
}

export function peopleRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Params: { user: string }; Querystring: { format?: PersonExportFormat } }>(
    '/api/v1/people/:user/export',
    {
      schema: {
        params: {
          type: 'object',
          properties: { user: { type: 'string', minLength: 1, maxLength: MAX_USER } },
          required: ['user'],
          additionalProperties: false,
        },
        ...S.query({ format: S.enumOf(PERSON_EXPORT_FORMATS) }),
      },
      preValidation: requireStaff(deps, ['admin', 'auditor']),
    },
    async (req, reply) => {
      const user = req.params.user;
      // Any name an agent could have stored is exportable (control characters included);
      // only what no database holds (NUL, a lone surrogate) is refused.
      if (!storableText(user)) throw new ApiError('CONSOLE_BAD_REQUEST', { detail: 'params/user' });
      const format = req.query.format ?? 'json';
      const snapshot = await deps.store.openPersonExport(user);
      // The snapshot holds a database connection (and, on PostgreSQL, a transaction): it is
      // closed once, when the stream ends or when the client goes, whichever comes first. A
      // client that left during the count or the audit row never starts the stream, so the
      // stream's own `finally` would not run.
      let closing: Promise<void> | null = null;
      const reader: PersonExportReader = {
        counts: () => snapshot.counts(),
        events: (after, n) => snapshot.events(after, n),
        requests: (after, n) => snapshot.requests(after, n),
        alerts: (after, n) => snapshot.alerts(after, n),
        cases: (after, n) => snapshot.cases(after, n),
        close: () => {
          closing ??= snapshot.close();
          return closing;
        },
      };
      reply.raw.once('close', () => void reader.close().catch(() => {}));
      if (req.raw.socket?.destroyed) void reader.close().catch(() => {});
      let head: PersonExportHeader;
      let counts: PersonExportCounts;
      try {
        counts = countsOf(await reader.counts());
        const row = await deps.store.appendAudit(
          deps.auditRow(req, 'person.exported', user, { format, counts: { ...counts } }),
        );
        head = {
          format: PERSON_EXPORT_FORMAT,
          user,
          exportedAt: row.ts,
          exportedBy: row.actor,
          auditSeq: row.seq,
          notes: PERSON_EXPORT_NOTES,
        };
      } catch (e) {
        await reader.close().catch(() => {});
        throw e;
      }
      // A client that stops reading would hold the snapshot's connection: cut it off.
      const socket = req.raw.socket as { setTimeout?: (ms: number, cb?: () => void) => void };
      socket.setTimeout?.(EXPORT_IDLE_MS, () => req.raw.socket.destroy());
      reply.raw.once('close', () => socket.setTimeout?.(0));
      req.log.info({ rows: counts.rows, format }, 'person export started');
      reply
        .type(format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="person-export.${format}"`);
      // One page at a time in the stream: what is read ahead is one page and the socket's buffers.
      return reply.send(
        Readable.from(render(reader, format, head, counts, req), { highWaterMark: 1 }),
      );
    },
  );
}
