// `baomi` under LANG=zh_CN.UTF-8 reads as Chinese: commander's own usage errors, the usage
// line of the help, and the values `status` names. English stays English.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import { displayWidth } from '../../../src/cli/width.js';
import { runCli } from '../../helpers/agent.js';
import { seedStore, tamper, tmpDirs } from '../store/helpers.js';

const zh = (args: string[]) => runCli(args, { LANG: 'zh_CN.UTF-8' });
/** Commander's English words; none may reach a person who reads Chinese. */
const COMMANDER_EN = /unknown|missing|required|argument|specified|Did you mean|Expected|error:/i;

describe('baomi in Chinese', () => {
  it.each([
    [['events', '--bogus'], '未知选项 --bogus'],
    [['status', '--jsn'], '未知选项 --jsn（是否想输入 --json？）'],
    [['events', '--limit'], '选项 --limit <n> 需要一个取值'],
    [['policy', 'sign', 'x.yaml'], '必须指定选项 --key <file>'],
    [['policy', 'validate', 'a', 'b'], '参数过多：应为 1 个，实际为 2 个'],
  ])('baomi %j: a usage error in Chinese, one line, exit 2', (args, said) => {
    const r = zh(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(said);
    expect(r.stderr).toMatch(/^baomi: 用法错误：/);
    expect(r.stderr).not.toMatch(COMMANDER_EN);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    [['nosuch'], '未知命令“nosuch”。运行 `baomi --help` 查看可用命令。'],
    [['agen'], '未知命令“agen”（是否要用 `baomi agent`？）'],
  ])('baomi %j: an unknown command in Chinese, one line, exit 2', (args, said) => {
    const r = zh(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(said);
    expect(r.stderr).not.toMatch(COMMANDER_EN);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says the same in English, on one line (no "(Did you mean" on a line of its own)', () => {
    const r = runCli(['status', '--jsn']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'baomi: Bad usage: unknown option --jsn (did you mean --json?). Run `baomi status --help` for the options.',
    );
  });

  it('names the command, not an option’s value, in the help it points to', () => {
    for (const [args, command] of [
      [['events', '--data-dir', '/x', '--bogus'], 'baomi events --help'],
      [['status', '--socket', '/tmp/s', 'extra', '--jsn'], 'baomi status --help'],
      [['policy', 'sign', '--key', 'k.key', 'f.yaml', '--bogus'], 'baomi policy sign --help'],
    ] as const) {
      const r = runCli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`Run \`${command}\` for the options.`);
    }
  });

  it('help: the usage line in Chinese, the columns aligned by display width', () => {
    const r = zh(['--help']);
    expect(r.stdout).toMatch(/^用法： baomi \[选项\] \[命令\]$/m);
    const items = r.stdout
      .split('\n')
      .filter((l) => /^ {2}(agent|events|verify|status|policy|help) /.test(l));
    expect(items.length).toBe(6);
    // The description starts at the same terminal column on every command line.
    const columns = items.map((l) => displayWidth(l.match(/^ {2}\S+(?: \S+)? +/)![0]));
    expect(new Set(columns).size).toBe(1);
    expect(zh(['policy', 'validate', '--help']).stdout).toContain('按策略结构（schema）校验');
    expect(runCli(['--help']).stdout).toMatch(/^Usage: baomi \[options\] \[command\]$/m);
  });

  it("status names its idle source in the reader's language; --json keeps the value", () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baomi-usage-'));
    openStore({ dataDir, host: 'test' }).close();
    const r = zh(['status', '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('空闲检测来源：无（未检测空闲时间）');
    expect(r.stdout).not.toMatch(/：none/);
    expect(JSON.parse(zh(['status', '--json', '--data-dir', dataDir]).stdout).idleSource).toBe(
      'none',
    );
  });

  it.each([
    [
      'an edited row',
      `UPDATE events SET data = '{"path":"/x"}' WHERE seq = 5`,
      '序号 5 的事件内容与其哈希不符',
    ],
    ['a deleted row', 'DELETE FROM events WHERE seq = 8', '序号 8 的事件缺失'],
  ])('verify names %s in Chinese', async (_what, sql, said) => {
    const tmp = tmpDirs();
    try {
      const dir = tmp.make();
      await seedStore(dir, 12);
      tamper(dir, (db) => db.prepare(sql).run());
      const r = zh(['verify', '--data-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(said);
      expect(r.stderr).not.toMatch(/content|missing|\((hash|gap)\)/);
    } finally {
      tmp.cleanup();
    }
  });
});
