// `baomi console person-export USER [--format json|csv] [--out FILE]`: every record the
// console holds about one employee (events, exception requests, alerts), for an access
// request under PIPL (admin, auditor; the console writes one audit row per export). The
// export is streamed to the file (or stdout) as it arrives, never held whole in memory, and
// checked as it goes: its last line holds the counts, and the rows received must match them.
//
// --out FILE is written atomically: into a private temporary file beside it (0600: it is a
// person's data), renamed onto FILE only when the export arrived whole; on any failure
// (the console cut the stream, the disk filled) the temporary file is removed and FILE does
// not exist. An existing FILE is never replaced (an earlier export may be evidence).
// Without --out the export goes to stdout as it arrives; a cut one is still said (exit 1).
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  CsvReader,
  csvEndCounts,
  decodeCsvCell,
  isJsonRecordLine,
  jsonTailCounts,
  PERSON_EXPORT_FORMATS,
  PERSON_RECORD_KINDS,
  type PersonExportCounts,
  type PersonExportFormat,
} from '../../core/console/person-export.js';
import { BaomiError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { choice, flagsOf, type StaffFlags, withStaff } from '../staff/open.js';
import { note } from '../staff/output.js';

interface ExportFlags extends StaffFlags {
  format?: string;
  out?: string;
}

/** Counts the records of an export as its text arrives, and keeps its last record. */
export class ExportChecker {
  private rows = 0;
  private lineNo = 0;
  private partial = '';
  private last = '';
  private readonly csv = new CsvReader();
  private lastRecord: (string | null)[] | null = null;

  constructor(private readonly format: PersonExportFormat) {}

  push(text: string): void {
    if (this.format === 'csv') {
      for (const r of this.csv.push(text)) this.record(r);
      return;
    }
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    if (isJsonRecordLine(line, this.lineNo)) this.rows++;
    if (line !== '') this.last = line;
    this.lineNo++;
  }

  private record(r: (string | null)[]): void {
    const kind = decodeCsvCell(r[0] ?? null);
    if ((PERSON_RECORD_KINDS as readonly (string | null)[]).includes(kind)) this.rows++;
    this.lastRecord = r;
  }

  /** The counts the export ends with, when it is whole (its rows match them); else null. */
  end(): { counts: PersonExportCounts | null; received: number } {
    let counts: PersonExportCounts | null;
    if (this.format === 'csv') {
      try {
        for (const r of this.csv.end()) this.record(r);
      } catch {
        return { counts: null, received: this.rows };
      }
      counts = this.lastRecord ? csvEndCounts(this.lastRecord) : null;
    } else {
      if (this.partial !== '') this.line(this.partial);
      counts = jsonTailCounts(this.last);
    }
    return { counts: counts && counts.rows === this.rows ? counts : null, received: this.rows };
  }
}

export default async function personExport(
  ctx: CommandContext,
  user: string,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<ExportFlags>(cmd);
  const format = choice('--format', f.format, PERSON_EXPORT_FORMATS) ?? 'json';
  const out = f.out === undefined ? undefined : resolve(f.out);
  // The export holds the workstations' strings exactly (it is evidence): for a file or a
  // pipe, never raw on a terminal, where a file name's escape sequence would act.
  if (out === undefined && process.stdout.isTTY)
    throw new BaomiError('CONSOLE_CLIENT_EXPORT_TTY', {}, 2);
  if (out !== undefined && existsSync(out))
    throw new BaomiError('CONSOLE_CLIENT_OUT_EXISTS', { out }, 2);
  const temp =
    out === undefined
      ? undefined
      : join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.partial`);
  let fd: number | undefined;
  try {
    if (temp !== undefined) {
      try {
        fd = openSync(temp, 'wx', 0o600);
      } catch (e) {
        throw new BaomiError('CONSOLE_CLIENT_OUT_FAILED', { out: out!, reason: reason(e) }, 1);
      }
    }
    const checker = new ExportChecker(format);
    await withStaff(ctx, f, async (c) => {
      const res = await c.download(`/api/v1/people/${encodeURIComponent(user)}/export`, {
        format,
      });
      const decoder = new TextDecoder('utf-8');
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          checker.push(decoder.decode(chunk, { stream: true }));
          if (fd === undefined) await writeOut(chunk);
          else writeAll(fd, chunk, out!);
        }
      } catch {
        // The connection was cut: what arrived is checked below and found short.
      }
      checker.push(decoder.decode());
    });
    const { counts, received } = checker.end();
    if (!counts) throw new BaomiError('CONSOLE_CLIENT_EXPORT_CUT', { user, received }, 1);
    if (fd !== undefined) {
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      if (existsSync(out!)) throw new BaomiError('CONSOLE_CLIENT_OUT_EXISTS', { out: out! }, 2);
      renameSync(temp!, out!);
    }
    note(
      ctx.t('cli.staff.personExport.done', {
        user,
        rows: counts.rows,
        events: counts.events,
        requests: counts.requests,
        alerts: counts.alerts,
        cases: counts.cases,
        out: out ?? '-',
      }),
    );
    return 0;
  } finally {
    if (fd !== undefined) closeSync(fd);
    // Whatever failed, no part of the export is left behind.
    if (temp !== undefined && existsSync(temp)) rmSync(temp, { force: true });
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function writeAll(fd: number, chunk: Buffer, out: string): void {
  try {
    for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off);
  } catch (e) {
    throw new BaomiError('CONSOLE_CLIENT_OUT_FAILED', { out, reason: reason(e) }, 1);
  }
}

/** Writes to stdout, waiting when its buffer is full (a pipe to a slow reader). */
function writeOut(chunk: Buffer): Promise<void> {
  return new Promise((done, fail) => {
    if (process.stdout.write(chunk)) done();
    else {
      process.stdout.once('drain', done);
      process.stdout.once('error', fail);
    }
  });
}
