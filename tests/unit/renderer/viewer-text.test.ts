// The log viewer's words and files (issue 14 §5): every event type in plain words in both
// languages (a file name stays as it was given), the filters as the agent's EventFilter, the
// export's CSV (formula guard, exact read-back) and JSON lines, an agent's refusal as one
// sentence, the language from the OS locale.
import { describe, expect, it } from 'vitest';
import { CsvReader, decodeCsvCell } from '../../../src/core/csv.js';
import { type BaomiEvent, EVENT_TYPES } from '../../../src/core/events/types.js';
import { LANGS } from '../../../src/core/i18n/types.js';
import { codeOf, count, reasonOf, when } from '../../../src/renderer/common/format.js';
import { langFrom, translator } from '../../../src/renderer/common/i18n.js';
import {
  csvRow,
  EXPORT_CSV_COLUMNS,
  exportFileName,
  exportParts,
} from '../../../src/renderer/viewer/export.js';
import { NO_FILTERS, toEventFilter } from '../../../src/renderer/viewer/filters.js';
import { deviceOf, plainWords } from '../../../src/renderer/viewer/plain.js';
import { viewerMessages } from '../../../src/renderer/viewer/text.js';

const HOSTILE = '=HYPERLINK("http://x")<img src=x onerror=alert(1)>.docx';
const ev = (over: Partial<BaomiEvent> = {}): BaomiEvent =>
  ({
    id: '01J',
    seq: 7,
    ts: Date.UTC(2026, 11, 2, 8, 30),
    type: 'file.modified',
    severity: 'medium',
    level: 'AA',
    user: 'li',
    host: 'ws-1',
    data: { path: `/secret/${HOSTILE}`, root: '/secret' },
    prevHash: 'p'.repeat(64),
    hash: 'h'.repeat(64),
    ...over,
  }) as BaomiEvent;

describe('viewer words', () => {
  it('has every key in both languages', () => {
    expect(Object.keys(viewerMessages['zh-CN']).sort()).toEqual(
      Object.keys(viewerMessages.en).sort(),
    );
  });

  it('words every event type this version records, in both languages, none as "Recorded: type"', () => {
    // Recorded for the agent's own bookkeeping; worded generically on purpose.
    const generic = new Set([
      'watch.overflow',
      'watch.limit',
      'scan.completed',
      'sync.gap',
      'sync.chain-broken',
      'watch.folder-missing',
      'watch.folder-found',
      'watch.folder-failed',
    ]);
    for (const lang of LANGS) {
      const t = translator(lang);
      for (const type of EVENT_TYPES) {
        const words = plainWords(t, ev({ type, data: { path: '/a' } }));
        expect(words, `${lang} ${type}`).not.toMatch(/^what\./);
        if (!generic.has(type))
          expect(words, `${lang} ${type}`).not.toBe(t('what.other', { type }));
      }
      expect(plainWords(t, ev({ type: 'from.the.future' as never }))).toContain('from.the.future');
    }
  });

  it('keeps hostile names as given and fills devices from what the event carries', () => {
    const t = translator('en');
    expect(plainWords(t, ev())).toBe(
      `A file in a classified folder was changed: /secret/${HOSTILE}`,
    );
    const usb = ev({
      type: 'usb.blocked',
      data: { vendor: '0781', product: '5581', productName: '"><script>' },
    });
    expect(plainWords(translator('zh-CN'), usb)).toBe('USB 存储设备被拦截：0781:5581 ""><script>"');
    expect(deviceOf({ device: 'abc' })).toBe('abc');
    expect(deviceOf({})).toBe('?');
  });

  it("says why the agent refused, from the code inside Electron's wrapping", () => {
    const t = translator('en');
    const wrapped = new Error(
      "Error invoking remote method 'baomi:verify': Error: PROTOCOL_ADMIN_ONLY",
    );
    expect(reasonOf(t, wrapped)).toBe(t('PROTOCOL_ADMIN_ONLY'));
    expect(reasonOf(t, new Error('socket hang up'))).toBe('socket hang up');
    const refused = new Error(
      "Error invoking remote method 'baomi:events': Error: REFUSED:bad-argument",
    );
    expect(reasonOf(t, refused)).toBe(t('error.refused'));
    expect(reasonOf(translator('zh-CN'), 'PROTOCOL_INTERNAL')).toMatch(/[\u4e00-\u9fff]/);
    // The agent's params fill the sentence (BaomiError's message is "CODE {params}").
    const changed = new Error(
      `Error invoking remote method 'baomi:pledge-acknowledge': BaomiError: PLEDGE_CHANGED {"version":5}`,
    );
    expect(reasonOf(t, changed)).toBe(t('PLEDGE_CHANGED', { version: 5 }));
    expect(reasonOf(t, changed)).not.toMatch(/\{\{|\}\}/);
    // No agent: the tray's words, not the CLI's advice.
    const down = new Error(
      "Error invoking remote method 'baomi:events': Error: SOCKET_UNREACHABLE",
    );
    expect(reasonOf(t, down)).toBe(t('error.noAgent'));
    expect(reasonOf(t, down)).not.toMatch(/--data-dir|\{\{/);
    expect(reasonOf(t, new Error('VIEWER_AGENT_TOO_OLD'))).toBe(t('VIEWER_AGENT_TOO_OLD'));
  });

  it('takes the code before the params, never a code-like word inside them', () => {
    const t = translator('en');
    const wrap = (code: string, params: object) =>
      new Error(
        `Error invoking remote method 'baomi:exception-redeem': BaomiError: ${code} ${JSON.stringify(params)}`,
      );
    const user = wrap('EXCEPTION_WRONG_USER', { user: 'ZHANG_SAN', seatUser: 'LI_SI' });
    expect(codeOf(user.message)).toBe('EXCEPTION_WRONG_USER');
    expect(reasonOf(t, user)).toBe(
      t('EXCEPTION_WRONG_USER', { user: 'ZHANG_SAN', seatUser: 'LI_SI' }),
    );
    const host = wrap('EXCEPTION_WRONG_HOST', { host: 'LAB_PC01', field: 'EXCEPTION_EXPIRED' });
    expect(codeOf(host.message)).toBe('EXCEPTION_WRONG_HOST');
    // "REFUSED:" inside the params is not the tray's guard refusing.
    const sneaky = wrap('EXCEPTION_BAD_FIELD', { field: 'x REFUSED:bad-argument' });
    expect(reasonOf(t, sneaky)).toBe(t('EXCEPTION_BAD_FIELD', { field: 'x REFUSED:bad-argument' }));
    expect(codeOf('connect ENOENT /run/baomi/agent.sock')).toBeNull();
  });

  it('takes Chinese from the OS locale and English otherwise', () => {
    expect(langFrom(['zh-CN', 'en'])).toBe('zh-CN');
    expect(langFrom(['zh-TW'])).toBe('zh-CN');
    expect(langFrom(['en-US', 'zh-CN'])).toBe('en');
    expect(langFrom([])).toBe('en');
  });

  it("writes counts grouped and times unambiguous, in this computer's zone", () => {
    expect([0, 999, 1000, 100000, 1234567, -4200].map(count)).toEqual([
      '0',
      '999',
      '1,000',
      '100,000',
      '1,234,567',
      '-4,200',
    ]);
    const at = new Date(2026, 0, 2, 3, 4, 5).getTime();
    expect(when(at)).toBe('2026-01-02 03:04:05');
    expect(when(Number.NaN)).toBe('NaN');
  });
});

describe('viewer filters', () => {
  it('turns the form into the agent filter, leaving empty fields out', () => {
    expect(toEventFilter(NO_FILTERS)).toEqual({});
    const f = toEventFilter({
      type: ' usb.*, file.modified ,',
      level: ' AA ',
      severity: 'high',
      since: '2026-12-01T08:00',
      until: 'not a date',
      text: ' 计划 ',
    });
    expect(f).toEqual({
      types: ['usb.*', 'file.modified'],
      level: 'AA',
      minSeverity: 'high',
      since: new Date('2026-12-01T08:00').getTime(),
      text: '计划',
    });
    expect(toEventFilter({ ...NO_FILTERS, severity: 'extreme' })).toEqual({});
  });
});

describe('viewer export', () => {
  it('writes a CSV row that reads back exactly, with formulas guarded', () => {
    const e = ev();
    const line = csvRow(e, `what ${HOSTILE}`);
    const r = new CsvReader();
    const rows = [...r.push(line), ...r.end()];
    expect(rows).toHaveLength(1);
    const cells = Object.fromEntries(EXPORT_CSV_COLUMNS.map((c, i) => [c, rows[0]![i]]));
    expect(cells.seq).toBe('7');
    expect(cells.time).toBe('2026-12-02T08:30:00.000Z');
    expect(JSON.parse(decodeCsvCell(cells.data!)!)).toEqual(e.data);
    expect(decodeCsvCell(cells.what!)).toBe(`what ${HOSTILE}`);
    const guarded = csvRow(ev({ user: '=cmd|calc' }), '');
    expect(guarded).toContain(",'=cmd|calc,");
  });

  it('exports every matching event through pages, counting as it goes', async () => {
    const all = Array.from({ length: 25_000 }, (_, i) => ev({ seq: i + 1, id: `e${i + 1}` }));
    const source = {
      async events(f: { beforeSeq?: number; limit?: number }) {
        const r = all.filter((e) => f.beforeSeq === undefined || e.seq < f.beforeSeq).reverse();
        return { events: r.slice(0, f.limit) };
      },
    };
    const progress: number[] = [];
    const csv = await exportParts(
      source,
      {},
      'csv',
      () => 'w',
      (n) => progress.push(n),
    );
    expect(csv.count).toBe(25_000);
    expect(progress).toEqual([10_000, 20_000, 25_000]);
    const text = csv.parts.join('');
    expect(text.startsWith(`\ufeff${EXPORT_CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(25_001);
    const json = await exportParts(
      source,
      {},
      'json',
      () => 'w',
      () => {},
    );
    const lines = json.parts.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(25_000);
    expect(JSON.parse(lines[0]!)).toEqual(all.at(-1));
    expect(exportFileName('json', Date.UTC(2026, 0, 2, 3, 4, 5))).toBe(
      'baomi-events-2026-01-02T03-04-05-000Z.jsonl',
    );
  });
});
