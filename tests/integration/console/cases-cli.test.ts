// `baomi console cases` and `baomi console case ID | case open` against a REAL `baomi console`
// process (HTTPS on loopback, its SQLite in a temporary data dir, staff made with
// `baomi console user add`), alerts raised by the console itself from the gaps of a simulated
// agent that enrolls and signs as a real one does. Every CLI call is a real process: a case
// opened, worked from 预报 to 结案 with the severity found and the outcome, each refusal in the
// console's own words with the README's exit code, and hostile titles printed safely.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../../src/console/store/types.js';
import type { CaseRow } from '../../../src/core/console/cases.js';
import { runCliAsync } from '../../helpers/cli-async.js';
import {
  addStaff,
  type ConsoleProcess,
  killConsole,
  StaffApi,
  startConsole,
} from '../../helpers/console-process.js';
import { makeTls, type TlsFiles } from '../../helpers/fake-console.js';
import { SimAgent } from '../../helpers/sim-agent.js';

const PASSWORD = 'correct horse battery staple';
const STAFF = [
  ['ada', 'admin'],
  ['ana', 'analyst'],
  ['aud', 'auditor'],
] as const;
type Who = (typeof STAFF)[number][0];

let root: string;
let dataDir: string;
let tls: TlsFiles;
let con: ConsoleProcess;
let api: StaffApi;
let agent: SimAgent;
const tokens: Partial<Record<Who, string>> = {};
/** The ids of the console's sync.gap alerts, ascending. */
let alerts: number[] = [];

function env(who: Who, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BAOMI_CONSOLE: con.url,
    BAOMI_CONSOLE_CA: tls.cert,
    BAOMI_CONSOLE_TOKEN: tokens[who]!,
    ...extra,
  };
}
const cli = (who: Who, ...args: string[]) => runCliAsync(['console', ...args], env(who));
const lines = (s: string) => s.split('\n').filter((l) => l !== '');

/** `case open …` as `who`; the case's id. */
async function open(who: Who, ...args: string[]): Promise<number> {
  const r = await cli(who, 'case', 'open', ...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as CaseDetail).id;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'baomi-cases-cli-'));
  tls = makeTls(root);
  dataDir = join(root, 'console');
  for (const [name, role] of STAFF) {
    const r = await addStaff({ dataDir }, name, role, PASSWORD);
    expect(r.code, r.stderr).toBe(0);
  }
  con = await startConsole({ dataDir, tls, port: 0, syncInterval: '60s' });
  for (const [name] of STAFF) {
    const a = await StaffApi.login(() => con.url, tls.certPem, name, PASSWORD);
    tokens[name] = (a as unknown as { token: string }).token;
    if (name === 'ada') api = a;
  }
  const t = await api.ok<{ token: string }>('POST', '/api/v1/enrollment-tokens', {
    group: 'finance',
  });
  agent = await SimAgent.enroll(con.url, t.token, { ca: tls.certPem, host: 'ws-fin-01' });
  // Twelve gaps: twelve sync.gap alerts (high), each after one stored event.
  for (let i = 0; i < 12; i++) {
    await agent.sync(agent.next([{ type: 'file.modified', data: { path: `/srv/f/${i}` } }]));
    agent.seq += 2;
  }
  await agent.sync(agent.next([{ type: 'file.modified', data: { path: '/srv/f/last' } }]));
  const { alerts: rows } = await api.ok<{ alerts: { id: number; type: string }[] }>(
    'GET',
    '/api/v1/alerts?limit=100',
  );
  alerts = rows
    .filter((a) => a.type === 'sync.gap')
    .map((a) => a.id)
    .sort((a, b) => a - b);
  expect(alerts).toHaveLength(12);
}, 90_000);

afterAll(async () => {
  if (con) await killConsole(con);
  rmSync(root, { recursive: true, force: true });
});

describe('baomi console case / cases', () => {
  it('open: an analyst opens a case; an auditor is refused (403, exit 1); an unknown alert (404) and a taken one (409) are said in the console’s words', async () => {
    const refused = await cli('aud', 'case', 'open', '--title', 'x', '--alert', String(alerts[0]));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^baomi: The console refused \(403\): The role auditor may not do this/,
    );

    const made = await cli(
      'ana',
      'case',
      'open',
      '--title',
      '财务部 U 盘外发',
      '--alert',
      String(alerts[0]),
      String(alerts[1]),
      '--assignee',
      'ana',
      '--note',
      '同一工作站',
      '--utc',
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^Case:\s+\d+$/m);
    expect(made.stdout).toMatch(/^Title:\s+财务部 U 盘外发$/m);
    expect(made.stdout).toMatch(/^Stage:\s+预报$/m);
    expect(made.stdout).toMatch(/^Severity:\s+high$/m);
    expect(made.stdout).toMatch(/^Opened by:\s+ana$/m);
    expect(made.stdout).toMatch(/^Assignee:\s+ana$/m);
    expect(made.stdout).toMatch(/^Due:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/m);
    // Its alerts with their host; its history.
    expect(made.stdout).toMatch(/^Alerts:\nID\s+TIME \(UTC\)\s+HOST\s+TYPE\s+SEVERITY\s+STATE$/m);
    expect(made.stdout).toMatch(
      new RegExp(`^${alerts[0]}\\s+\\S+ \\S+\\s+ws-fin-01\\s+sync\\.gap\\s+high\\s+预报$`, 'm'),
    );
    expect(made.stdout).toMatch(/^Events attached:\n\(none\)$/m);
    expect(made.stdout).toMatch(
      new RegExp(
        `^\\S+ \\S+\\s+ana\\s+opened\\s+“财务部 U 盘外发” with alert\\(s\\) ${alerts[0]}, ${alerts[1]}; assigned to ana; note: 同一工作站$`,
        'm',
      ),
    );

    const unknown = await cli('ana', 'case', 'open', '--title', 'x', '--alert', '999999');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/\(404\): No alert with the id 999999\./);
    const taken = await cli('ada', 'case', 'open', '--title', 'x', '--alert', String(alerts[1]));
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(
      new RegExp(`\\(409\\): The alert ${alerts[1]} is already part of case \\d+`),
    );
    // An alert of a case moves with it only.
    const alone = await cli('ada', 'alert', String(alerts[0]), '--state', '调查', '--note', 'n');
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/\(409\): The alert .* is part of case \d+ and moves with it/);
  });

  it('case ID --stage: through every stage with the severity found and the outcome; refusals with their exit codes; re-opened back to 调查', async () => {
    const id = String(await open('ana', '--title', 'every stage', '--alert', String(alerts[2])));
    const move = (who: Who, ...args: string[]) => cli(who, 'case', id, ...args);

    const auditor = await move('aud', '--stage', '调查', '--note', 'n');
    expect(auditor.code).toBe(1);
    expect(auditor.stderr).toMatch(/\(403\): The role auditor may not do this/);

    const investigating = await move('ana', '--stage', 'investigating', '--note', '约谈当事人');
    expect(investigating.code, investigating.stderr).toBe(0);
    expect(investigating.stdout).toMatch(/^Stage:\s+调查$/m);
    expect(investigating.stdout).toMatch(/ana\s+stage\s+预报 → 调查; note: 约谈当事人$/m);

    const noSeverity = await move('ana', '--stage', '初步评估', '--note', '评估');
    expect(noSeverity.code).toBe(2);
    expect(noSeverity.stderr).toMatch(
      new RegExp(
        `\\(400\\): Moving case ${id} to 初步评估 \\(assessed\\) needs the severity found`,
      ),
    );
    const assessed = await move(
      'ana',
      '--stage',
      'assessed',
      '--severity',
      'medium',
      '--note',
      '未外发涉密文件',
    );
    expect(assessed.code, assessed.stderr).toBe(0);
    expect(assessed.stdout).toMatch(/^Stage:\s+初步评估$/m);
    expect(assessed.stdout).toMatch(/^Severity:\s+medium$/m);
    expect(assessed.stdout).toMatch(
      /调查 → 初步评估; note: 未外发涉密文件; severity medium \(downgraded; was high\)$/m,
    );

    const noOutcome = await move('ana', '--stage', '处置', '--note', 'x');
    expect(noOutcome.code).toBe(2);
    expect(noOutcome.stderr).toMatch(
      /\(400\): Moving case \d+ to 处置 \(handled\) needs the outcome/,
    );
    const handled = await move(
      'ana',
      '--stage',
      'handled',
      '--outcome',
      '收回介质，批评教育',
      '--note',
      '处置完毕',
    );
    expect(handled.code, handled.stderr).toBe(0);
    expect(handled.stdout).toMatch(/^Outcome:\s+收回介质，批评教育$/m);

    const closed = await move('ada', '--stage', '结案', '--note', '结案', '--json');
    expect(closed.code, closed.stderr).toBe(0);
    const after = JSON.parse(closed.stdout) as CaseDetail;
    expect(after).toMatchObject({ stage: '结案', dueAt: null, outcome: '收回介质，批评教育' });
    expect(after.alerts.map((a) => a.state)).toEqual(['结案']);

    // The stage rule, as `alert --state` refuses it: 409, exit 1.
    const back = await move('ada', '--stage', 'handled', '--note', 'n');
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(
      new RegExp(`\\(409\\): The case ${id} is at 结案 and cannot move to 处置`),
    );
    const late = await move('ana', '--assign', 'ada');
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/\(409\): The case \d+ is closed \(结案\)/);
    const noted = await move('ana', '--add-note', '归档');
    expect(noted.code, noted.stderr).toBe(0);
    expect(noted.stdout).toMatch(/^Due:\s+—$/m);
    expect(noted.stdout).toMatch(/ana\s+note\s+归档$/m);

    const reopened = await move('ada', '--stage', '调查', '--note', '新线索');
    expect(reopened.code, reopened.stderr).toBe(0);
    expect(reopened.stdout).toMatch(/^Stage:\s+调查$/m);
    const history = lines(reopened.stdout.slice(reopened.stdout.indexOf('History:')));
    expect(history.slice(2).map((l) => /^\S+ \S+\s+(\S+)\s+(\S+)/.exec(l)?.slice(1))).toEqual([
      ['ana', 'opened'],
      ['ana', 'stage'],
      ['ana', 'stage'],
      ['ana', 'stage'],
      ['ada', 'stage'],
      ['ana', 'note'],
      ['ada', 'stage'],
    ]);

    // In Chinese, the console's own Chinese words.
    const zh = await runCliAsync(
      ['console', 'case', id, '--stage', '初步评估', '--note', '评估'],
      env('ana', { LANG: 'zh_CN.UTF-8' }),
    );
    expect(zh.code).toBe(2);
    expect(zh.stderr).toMatch(/^baomi: 控制台拒绝了请求（400）：.*初步评估/);
  });

  it('case ID --assign / --unassign / --add-alert / --add-event; one change at a time; bad input exits 2 before anything is sent', async () => {
    const id = String(await open('ana', '--title', 'links', '--alert', String(alerts[3])));
    const assigned = await cli('ana', 'case', id, '--assign', 'aud');
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(assigned.stdout).toMatch(/^Assignee:\s+aud$/m);
    expect(assigned.stdout).toMatch(/ana\s+assigned\s+— → aud$/m);
    const nobody = await cli('ana', 'case', id, '--assign', 'nobody');
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/\(404\)/);
    const unassigned = await cli('ada', 'case', id, '--unassign');
    expect(unassigned.stdout).toMatch(/^Assignee:\s+—$/m);

    const gathered = await cli(
      'ana',
      'case',
      id,
      '--add-alert',
      String(alerts[4]),
      String(alerts[5]),
    );
    expect(gathered.code, gathered.stderr).toBe(0);
    expect(gathered.stdout).toMatch(
      new RegExp(`gathered alert\\(s\\) ${alerts[4]}, ${alerts[5]}$`, 'm'),
    );
    const attached = await cli('ana', 'case', id, '--add-event', `${agent.id}:1`, `${agent.id}:4`);
    expect(attached.code, attached.stderr).toBe(0);
    expect(attached.stdout).toMatch(/^Events attached:\nEVENT\s+AGENT$/m);
    expect(attached.stdout).toMatch(new RegExp(`^ws-fin-01:1\\s+${agent.id}$`, 'm'));
    expect(attached.stdout).toMatch(/attached ws-fin-01:1, ws-fin-01:4$/m);
    const missing = await cli('ana', 'case', id, '--add-event', `${agent.id}:2`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(new RegExp(`\\(404\\): No event with the id ${agent.id}:2\\.`));

    const shown = await cli('aud', 'case', id);
    expect(shown.code, shown.stderr).toBe(0);
    for (const a of [alerts[3], alerts[4], alerts[5]])
      expect(shown.stdout).toMatch(new RegExp(`^${a}\\s.*ws-fin-01\\s+sync\\.gap`, 'm'));
    const none = await cli('aud', 'case', '999999');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/\(404\): No case with the id 999999\./);

    for (const args of [
      ['--add-note', 'x', '--unassign'],
      ['--stage', '调查'],
      ['--note', 'x'],
      ['--severity', 'low', '--add-note', 'x'],
      ['--stage', 'open', '--note', 'x'],
      ['--stage', '初步评估', '--note', 'x', '--severity', 'urgent'],
      ['--add-event', 'ws-fin-01'],
      ['--add-alert', 'x'],
    ]) {
      const r = await cli('ana', 'case', id, ...args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).not.toMatch(/console refused/);
    }
    const noTitle = await cli('ana', 'case', 'open', '--alert', String(alerts[6]));
    expect(noTitle.code).toBe(2);
    const stray = await cli(
      'ana',
      'case',
      'open',
      '--title',
      'x',
      '--alert',
      '1',
      '--stage',
      '调查',
    );
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/unknown option --stage/);
  });

  it('cases: the list as a table, filtered by stage and assignee, --overdue, --limit, and --json equal to the API’s answer', async () => {
    const table = await cli('aud', 'cases');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      /^ID\s+OPENED \(.+\)\s+STAGE\s+SEVERITY\s+TITLE\s+ASSIGNEE\s+DUE \(.+\)\s+OVERDUE\s+ALERTS$/m,
    );
    expect(table.stdout).toMatch(
      /^\d+\s+\S+ \S+\s+预报\s+high\s+财务部 U 盘外发\s+ana\s+\S+ \S+\s+2$/m,
    );
    expect(table.stdout).toMatch(
      /^\d+\s+\S+ \S+\s+调查\s+medium\s+every stage\s+—\s+\S+ \S+\s+1$/m,
    );

    const byStage = await cli('aud', 'cases', '--stage', 'forecast');
    expect(
      lines(byStage.stdout)
        .slice(1)
        .every((l) => /\s预报\s/.test(l)),
    ).toBe(true);
    expect(byStage.stdout).toMatch(/财务部 U 盘外发/);
    expect(byStage.stdout).not.toMatch(/every stage/);
    const byAssignee = await cli('aud', 'cases', '--assignee', 'ana');
    expect(lines(byAssignee.stdout)).toHaveLength(2);
    expect((await cli('aud', 'cases', '--stage', '处置')).stdout).toBe('No cases match.\n');
    const bad = await cli('aud', 'cases', '--stage', 'open');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/choose one of 预报, 调查, .* forecast, investigating/);

    // Overdue: the case's stage was due an hour ago (set behind the console).
    const [first] = (await api.ok<{ cases: CaseRow[] }>('GET', '/api/v1/cases?stage=预报')).cases;
    const db = new Database(join(dataDir, 'console.db'));
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE cases SET due_at = ? WHERE id = ?').run(Date.now() - 3_600_000, first!.id);
    } finally {
      db.close();
    }
    const overdue = await cli('aud', 'cases', '--overdue');
    expect(overdue.code, overdue.stderr).toBe(0);
    expect(lines(overdue.stdout)).toHaveLength(2);
    expect(overdue.stdout).toMatch(new RegExp(`^${first!.id}\\s.*\\sOVERDUE\\s+\\d+$`, 'm'));
    const shown = await cli('aud', 'case', String(first!.id));
    expect(shown.stdout).toMatch(/^Due:\s+\S+ \S+ \(OVERDUE\)$/m);
    const zh = await runCliAsync(
      ['console', 'cases', '--overdue'],
      env('aud', { LANG: 'zh_CN.UTF-8' }),
    );
    expect(zh.stdout).toMatch(
      /^ID\s+立案时间（.+）\s+阶段\s+严重程度\s+名称\s+负责人\s+期限（.+）\s+逾期\s+告警数$/m,
    );
    expect(zh.stdout).toMatch(/\s逾期\s+\d+$/m);

    // --json: each row exactly as the API answers, newest first, every page.
    const fromApi = (await api.ok<{ cases: CaseRow[] }>('GET', '/api/v1/cases?limit=500')).cases;
    const json = await cli('aud', 'cases', '--json');
    expect(lines(json.stdout).map((l) => JSON.parse(l))).toEqual(fromApi);
    const one = await cli('aud', 'case', String(fromApi[0]!.id), '--json');
    expect(JSON.parse(one.stdout)).toEqual(await api.ok('GET', `/api/v1/cases/${fromApi[0]!.id}`));

    const limited = await cli('aud', 'cases', '--limit', '2', '--json');
    expect(lines(limited.stdout).map((l) => JSON.parse(l))).toEqual(fromApi.slice(0, 2));
    expect(limited.stderr).toMatch(/Showed the newest 2 cases \(--limit 2\); older ones match too/);
    const all = await cli('aud', 'cases', '--limit', String(fromApi.length));
    expect(all.stderr).toBe('');
  });

  it('hostile titles (markup, a formula, a newline, a direction override) are printed inert in the table and defused in the CSV', async () => {
    const titles = ['<script>alert(1)</script>', '=1+1', 'line one\nline two', 'abc\u202Eevil'];
    const ids: number[] = [];
    for (const [i, title] of titles.entries())
      ids.push(await open('ana', '--title', title, '--alert', String(alerts[8 + i])));

    const table = await cli('aud', 'cases');
    expect(table.code, table.stderr).toBe(0);
    const row = (id: number) => lines(table.stdout).find((l) => l.startsWith(`${id} `)) ?? '';
    expect(row(ids[0]!)).toMatch(/\s<script>alert\(1\)<\/script>\s/);
    expect(row(ids[1]!)).toMatch(/\s=1\+1\s/);
    expect(row(ids[2]!)).toMatch(/\sline one\\nline two\s/);
    expect(row(ids[3]!)).toMatch(/\sabc\\u202eevil\s/);
    expect(table.stdout).not.toMatch(/^line two/m);
    expect(table.stdout).not.toContain('\u202E');
    const shown = await cli('aud', 'case', String(ids[2]));
    expect(shown.stdout).toMatch(/^Title:\s+line one\\nline two$/m);
    expect(shown.stdout).toMatch(/opened\s+“line one\\nline two” with alert/);

    const csv = await cli('aud', 'cases', '--csv', '--utc');
    expect(csv.code, csv.stderr).toBe(0);
    const [head, ...rows] = csv.stdout.split('\r\n');
    expect(head).toBe('id,opened,stage,severity,title,assignee,due,overdue,alerts');
    const csvRow = (id: number) => rows.find((l) => l.startsWith(`${id},`)) ?? '';
    expect(csvRow(ids[0]!)).toMatch(
      /^\d+,\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ,预报,high,<script>alert\(1\)<\/script>,,\S+ \S+Z,false,1$/,
    );
    expect(csvRow(ids[1]!)).toContain(",'=1+1,");
    // A line break in a title is escaped as in the table (the CSV reaches terminals too).
    expect(csv.stdout).toContain(',line one\\nline two,');

    // --json keeps the title exactly (escaped on the line, the same string when parsed).
    const json = await cli('aud', 'case', String(ids[3]), '--json');
    expect(json.stdout).not.toContain('\u202E');
    expect((JSON.parse(json.stdout) as CaseDetail).title).toBe(titles[3]);
  });
});
