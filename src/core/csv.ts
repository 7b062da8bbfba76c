// CSV (RFC 4180, CRLF) as Baomi writes and reads it: the exports of the console (the
// per-person export, the events export) and the tests and clients that read them back.
//
// SECURITY: cells hold strings from workstations and people: hostile. A cell that a
// spreadsheet would run as a formula (it starts with = + - @, a tab or a CR, or their
// full-width forms) gets a leading apostrophe; so does a cell that starts with an apostrophe,
// so reading it back (strip one: decodeCsvCell) is exact.

export type Cell = string | number | boolean | null | undefined;

/** Starts that a spreadsheet reads as a formula (ASCII and full-width), and the apostrophe
 *  itself so that the prefix is always the one to strip. */
const FORMULA_START = /^[=+\-@\t\r'\uff1d\uff0b\uff0d\uff20]/;

/** One CSV cell (RFC 4180): null/undefined is an empty field, '' is `""` (kept apart). */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  const raw = typeof v === 'string' ? v : String(v);
  if (raw === '') return '""';
  const s = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Reads CSV (RFC 4180) as it arrives, chunk by chunk: complete records come out of push(),
 * the last one out of end(). A field that was not quoted and is empty is null; `""` is ''.
 * A leading apostrophe (the formula guard) is NOT stripped here: decodeCsvCell does that.
 */
export class CsvReader {
  private field = '';
  private quoted = false;
  private inQuotes = false;
  /** A quote seen inside quotes: the field's end, or the first of `""`. */
  private quoteSeen = false;
  private record: (string | null)[] = [];
  private started = false;
  private first = true;

  push(chunk: string): (string | null)[][] {
    const out: (string | null)[][] = [];
    for (const ch of chunk) {
      if (this.first) {
        this.first = false;
        if (ch === '\ufeff') continue; // a BOM (written for spreadsheets) is not data
      }
      if (this.inQuotes) {
        if (!this.quoteSeen) {
          if (ch === '"') this.quoteSeen = true;
          else this.field += ch;
          continue;
        }
        this.quoteSeen = false;
        if (ch === '"') {
          this.field += '"';
          continue;
        }
        this.inQuotes = false; // that quote closed the field; ch is read below
      }
      this.started = true;
      if (ch === '"' && this.field === '' && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
      } else if (ch === ',') {
        this.endField();
      } else if (ch === '\n') {
        if (!this.quoted && this.field.endsWith('\r')) this.field = this.field.slice(0, -1);
        this.endField();
        out.push(this.record);
        this.record = [];
        this.started = false;
      } else if (!(ch === '\r' && this.quoted)) {
        this.field += ch;
      }
    }
    return out;
  }

  /** The record still open (a file that does not end with a line break), if any. */
  end(): (string | null)[][] {
    if (this.quoteSeen) {
      this.quoteSeen = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) throw new Error('CSV ends inside a quoted field');
    if (!this.started) return [];
    this.endField();
    const r = this.record;
    this.record = [];
    this.started = false;
    return [r];
  }

  private endField(): void {
    this.record.push(this.quoted || this.field !== '' ? this.field : null);
    this.field = '';
    this.quoted = false;
  }
}

/** A cell as written: the formula guard's apostrophe removed. */
export function decodeCsvCell(v: string | null): string | null {
  return v?.startsWith("'") ? v.slice(1) : v;
}
