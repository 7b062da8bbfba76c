// GET /api/v1/events/export?format=csv|json&<the filters of GET /api/v1/events> — every event
// the filter matches, oldest first, streamed (core/console/events-export.ts says the forms),
// for the web UI's export button and for anyone with a staff token and curl.
//
// Roles: any staff. Analysts work on events every day and read them page by page already;
// the export is the same read, made to leave the console, so it leaves a trace: ONE audit row
// `events.exported` {format, filter} is written before the first byte, and nothing is sent if
// it cannot be (the person export's rule, routes/people.ts).
//
// Pages of PAGE events by the store's keyset cursor, each read only when the client has taken
// the one before (Readable.from, highWaterMark 1): memory stays one page however many match.
// Not one snapshot: an event stored during the export is in it if it sorts after the page
// being read. A failure mid-stream (the database goes away) cuts the connection, so the
// client sees a failed download, never a short file that looks whole.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  EVENT_EXPORT_FORMATS,
  type EventExportFormat,
  eventCsvHeader,
  eventCsvRow,
  eventExportFileName,
  eventJsonLine,
} from '../../../core/console/events-export.js';
import { requireStaff } from '../../auth/staff.js';
import type { ConsoleEventFilter } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { S } from '../schemas.js';
import { EVENT_FILTER_SCHEMA, type EventFilterQuery, eventFilter } from './events.js';

/** Events read per page. */
export const EXPORT_PAGE = 1000;
/** A client that reads nothing for this long is cut off. */
export const EXPORT_IDLE_MS = 120_000;

async function* render(
  deps: Deps,
  filter: Omit<ConsoleEventFilter, 'limit'>,
  format: EventExportFormat,
  req: FastifyRequest,
): AsyncGenerator<string> {
  let rows = 0;
  try {
    if (format === 'csv') yield eventCsvHeader();
    for (let after: string | undefined; ; ) {
      const page = await deps.store.queryEvents({
        ...filter,
        limit: EXPORT_PAGE,
        order: 'asc',
        ...(after === undefined ? {} : { after }),
      });
      if (page.events.length) {
        let chunk = '';
        for (const e of page.events) chunk += format === 'csv' ? eventCsvRow(e) : eventJsonLine(e);
        rows += page.events.length;
        yield chunk;
      }
      if (page.next === null) break;
      after = page.next;
    }
    req.log.info({ rows, format }, 'events export done');
  } catch (err) {
    req.log.error({ err, rows }, 'events export failed while streaming; the download is cut');
    throw err;
  }
}

export function eventExportRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: EventFilterQuery & { format?: EventExportFormat } }>(
    '/api/v1/events/export',
    {
      schema: S.query({ ...EVENT_FILTER_SCHEMA, format: S.enumOf(EVENT_EXPORT_FORMATS) }),
      preValidation: requireStaff(deps, 'any'),
    },
    async (req, reply) => {
      const { format = 'csv', ...q } = req.query;
      const filter = eventFilter(q);
      const row = await deps.store.appendAudit(
        deps.auditRow(req, 'events.exported', 'events', { format, filter: { ...filter } }),
      );
      const socket = req.raw.socket as { setTimeout?: (ms: number, cb?: () => void) => void };
      socket.setTimeout?.(EXPORT_IDLE_MS, () => req.raw.socket.destroy());
      reply.raw.once('close', () => socket.setTimeout?.(0));
      reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${eventExportFileName(format, row.ts)}"`,
        )
        .header('x-baomi-audit-seq', String(row.seq));
      return reply.send(Readable.from(render(deps, filter, format, req), { highWaterMark: 1 }));
    },
  );
}
