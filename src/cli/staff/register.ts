// The staff CLI's subcommands of `baomi console` (issue 11 §7): clients of the console's API
// over HTTP(S) with an API token, beside `console` itself (the server) and `console user add`
// (the database). Each reads its flags with optsWithGlobals: commander gives `console`'s own
// options (--data-dir, --db, …) to `console` wherever they are written, so none of these
// reuses one of those names.
import { type Command, Option } from 'commander';
import type { Translate } from '../../core/i18n/translate.js';
import type { CommandModule } from '../context.js';

type Load = () => Promise<CommandModule>;

/** What commands/register.ts hands over (its Registrar, restated: no import cycle). */
interface Registrar {
  t: Translate;
  configure: (cmd: Command) => Command;
  run: (load: Load) => (...args: unknown[]) => Promise<void>;
}

export function registerStaffCommands(consoleCmd: Command, { t, configure, run }: Registrar): void {
  const sub = (parent: Command, name: string, desc: string) =>
    configure(parent.command(name)).description(desc);
  /** Where the console is and how to prove who is asking. */
  const conn = (cmd: Command, token = true) => {
    cmd.option('--console <url>', t('cli.opt.staffConsole'));
    if (token) cmd.option('--api-token <token>', t('cli.opt.staffToken'));
    return cmd.option('--ca <file>', t('cli.opt.staffCa'));
  };
  const json = (cmd: Command) => cmd.option('--json', t('cli.opt.json'));
  /** A listing: --json or --csv (not both), times local or --utc. */
  const rows = (cmd: Command) =>
    cmd
      .option('--utc', t('cli.opt.utc'))
      .addOption(new Option('--json', t('cli.opt.json')).conflicts('csv'))
      .option('--csv', t('cli.opt.csv'));
  const from = (load: () => Promise<Record<string, unknown>>, name: string) =>
    run((async () => ({ default: (await load())[name] })) as Load);

  const agents = () => import('../commands/staff-agents.js');
  const requests = () => import('../commands/staff-requests.js');
  const cases = () => import('../commands/staff-cases.js');
  const policy = () => import('../commands/staff-policy.js');

  conn(sub(consoleCmd, 'login', t('cli.cmd.staffLogin')), false)
    .argument('<name>', t('cli.arg.staffName'))
    .option('--days <n>', t('cli.opt.staffDays'))
    .option('--utc', t('cli.opt.utc'))
    .action(run(() => import('../commands/staff-login.js')));
  conn(sub(consoleCmd, 'logout', t('cli.cmd.staffLogout'))).action(
    from(() => import('../commands/staff-login.js'), 'logout'),
  );

  rows(conn(sub(consoleCmd, 'agents', t('cli.cmd.staffAgents'))))
    .option('--group <group>', t('cli.opt.staffGroupFilter'))
    .option('--text <text>', t('cli.opt.staffAgentText'))
    .action(from(agents, 'default'));
  json(conn(sub(consoleCmd, 'agent', t('cli.cmd.staffAgent'))))
    .argument('<id>', t('cli.arg.agentId'))
    .option('--utc', t('cli.opt.utc'))
    .action(from(agents, 'agent'));
  json(conn(sub(consoleCmd, 'revoke', t('cli.cmd.staffRevoke'))))
    .argument('<id>', t('cli.arg.agentId'))
    .option('--utc', t('cli.opt.utc'))
    .action(from(agents, 'revoke'));

  rows(conn(sub(consoleCmd, 'events', t('cli.cmd.staffEvents'))))
    .option('--agent <id>', t('cli.opt.staffAgent'))
    .option('--user <name>', t('cli.opt.staffUser'))
    .option('--type <type...>', t('cli.opt.type'))
    .option('--level <level>', t('cli.opt.level'))
    .option('--severity <severity>', t('cli.opt.severity'))
    .option('--since <time>', t('cli.opt.since'))
    .option('--until <time>', t('cli.opt.until'))
    .option('--text <text>', t('cli.opt.staffEventText'))
    .option('--limit <n>', t('cli.opt.limit'))
    .option('--hashes', t('cli.opt.hashes'))
    .action(run(() => import('../commands/staff-events.js')));

  rows(conn(sub(consoleCmd, 'alerts', t('cli.cmd.staffAlerts'))))
    .option('--state <state>', t('cli.opt.staffAlertState'))
    .option('--agent <id>', t('cli.opt.staffAgent'))
    .option('--type <type...>', t('cli.opt.staffAlertType'))
    .option('--limit <n>', t('cli.opt.staffAlertLimit'))
    .action(from(requests, 'alerts'));
  json(conn(sub(consoleCmd, 'alert', t('cli.cmd.staffAlert'))))
    .argument('<id>', t('cli.arg.alertId'))
    .requiredOption('--state <state>', t('cli.opt.staffAlertTo'))
    .requiredOption('--note <text>', t('cli.opt.staffAlertNote'))
    .option('--utc', t('cli.opt.utc'))
    .action(from(requests, 'alert'));
  rows(conn(sub(consoleCmd, 'cases', t('cli.cmd.staffCases'))))
    .option('--stage <stage>', t('cli.opt.staffCaseStageFilter'))
    .option('--assignee <name>', t('cli.opt.staffCaseAssignee'))
    .option('--overdue', t('cli.opt.staffCaseOverdue'))
    .option('--limit <n>', t('cli.opt.staffCaseLimit'))
    .action(from(cases, 'cases'));
  // `case ID [one change]`, and `case open …` beside it. Commander reads `case`'s own options
  // wherever they are written, also after `open`: the ones `open` shares (--console, --note,
  // --json, …) mean the same there and reach it through optsWithGlobals; the others (--stage,
  // --assign, …) are refused for `open` as unknown, as commander would.
  const caseCmd = json(conn(sub(consoleCmd, 'case', t('cli.cmd.staffCase'))))
    .argument('<id>', t('cli.arg.caseId'))
    .option('--utc', t('cli.opt.utc'))
    .option('--stage <stage>', t('cli.opt.staffCaseStage'))
    .option('--note <text>', t('cli.opt.staffCaseNote'))
    .option('--severity <severity>', t('cli.opt.staffCaseSeverity'))
    .option('--outcome <text>', t('cli.opt.staffCaseOutcome'))
    .option('--add-note <text>', t('cli.opt.staffCaseAddNote'))
    .option('--assign <name>', t('cli.opt.staffCaseAssign'))
    .option('--unassign', t('cli.opt.staffCaseUnassign'))
    .option('--add-alert <id...>', t('cli.opt.staffCaseAddAlert'))
    .option('--add-event <agent:seq...>', t('cli.opt.staffCaseAddEvent'))
    .action(from(cases, 'caseCommand'));
  json(conn(sub(caseCmd, 'open', t('cli.cmd.staffCaseOpen'))))
    .requiredOption('--title <text>', t('cli.opt.staffCaseTitle'))
    .requiredOption('--alert <id...>', t('cli.opt.staffCaseAlert'))
    .option('--assignee <name>', t('cli.opt.staffCaseOpenAssignee'))
    .option('--note <text>', t('cli.opt.staffCaseOpenNote'))
    .option('--utc', t('cli.opt.utc'))
    .hook('preAction', (openCmd) => {
      for (const o of caseCmd.options) {
        if (openCmd.options.some((mine) => mine.long === o.long)) continue;
        if (caseCmd.getOptionValue(o.attributeName()) !== undefined)
          openCmd.error(`error: unknown option '${o.long}'`, {
            code: 'commander.unknownOption',
            exitCode: 2,
          });
      }
    })
    .action(from(cases, 'caseOpen'));
  rows(conn(sub(consoleCmd, 'requests', t('cli.cmd.staffRequests'))))
    .option('--state <state>', t('cli.opt.staffRequestState'))
    .option('--agent <id>', t('cli.opt.staffAgent'))
    .action(from(requests, 'requests'));
  json(conn(sub(consoleCmd, 'approve', t('cli.cmd.staffApprove'))))
    .argument('<id>', t('cli.arg.requestId'))
    .requiredOption('--note <text>', t('cli.opt.staffNote'))
    .option('--hours <n>', t('cli.opt.staffHours'))
    .option('--utc', t('cli.opt.utc'))
    .action(from(requests, 'approve'));
  json(conn(sub(consoleCmd, 'deny', t('cli.cmd.staffDeny'))))
    .argument('<id>', t('cli.arg.requestId'))
    .requiredOption('--note <text>', t('cli.opt.staffNote'))
    .action(from(requests, 'deny'));

  const policyCmd = sub(consoleCmd, 'policy', t('cli.cmd.staffPolicy'));
  json(conn(sub(policyCmd, 'upload', t('cli.cmd.staffPolicyUpload'))))
    .argument('<file>', t('cli.arg.staffPolicyFile'))
    .option('--group <group>', t('cli.opt.staffPolicyGroup'))
    .option('--department <name>', t('cli.opt.staffPolicyDepartment'))
    .option('--class <class>', t('cli.opt.staffPolicyClass'))
    .option('--trust-dir <dir>', t('cli.opt.staffPolicyTrustDir'))
    .action(from(policy, 'upload'));
  rows(conn(sub(policyCmd, 'list', t('cli.cmd.staffPolicyList')))).action(from(policy, 'list'));
  rows(conn(sub(policyCmd, 'versions', t('cli.cmd.staffPolicyVersions')))).action(
    from(policy, 'versions'),
  );

  rows(conn(sub(consoleCmd, 'enroll-token', t('cli.cmd.staffEnrollToken'))))
    .option('--group <group>', t('cli.opt.staffEnrollGroup'))
    .option('--uses <n>', t('cli.opt.staffUses'))
    .option('--hours <n>', t('cli.opt.staffEnrollHours'))
    .option('--department <name>', t('cli.opt.staffDepartment'))
    .option('--class <class>', t('cli.opt.staffClass'))
    .option('--regroup', t('cli.opt.staffRegroup'))
    .option('--list', t('cli.opt.staffEnrollList'))
    .option('--revoke <id>', t('cli.opt.staffEnrollRevoke'))
    .action(run(() => import('../commands/staff-enroll.js')));

  rows(conn(sub(consoleCmd, 'audit', t('cli.cmd.staffAudit'))))
    .option('--after <seq>', t('cli.opt.staffAfter'))
    .option('--limit <n>', t('cli.opt.staffAuditLimit'))
    .addOption(
      new Option('--verify', t('cli.opt.staffVerify')).conflicts(['after', 'limit', 'csv']),
    )
    .action(run(() => import('../commands/staff-audit.js')));

  conn(sub(consoleCmd, 'person-export', t('cli.cmd.staffPersonExport')))
    .argument('<user>', t('cli.arg.personUser'))
    .option('--format <format>', t('cli.opt.personFormat'))
    .option('--out <file>', t('cli.opt.personOut'))
    .action(run(() => import('../commands/staff-person-export.js')));

  // `baomi console agentz`: commander would call `console` (the server) with one argument too
  // many and say only that; name the unknown command and the nearest one instead. Set last:
  // subcommands copy this setting when they are made, and they keep refusing extra arguments.
  consoleCmd.allowExcessArguments(true).hook('preAction', (_self, actionCmd) => {
    const word = actionCmd === consoleCmd ? consoleCmd.args[0] : undefined;
    if (word === undefined) return;
    const near = nearest(
      word,
      consoleCmd.commands.map((c) => c.name()),
    );
    consoleCmd.error(`error: unknown command '${word}'${near ? `\n(Did you mean ${near}?)` : ''}`, {
      code: 'commander.unknownCommand',
      exitCode: 2,
    });
  });
}

/** The name within two edits of `word` (the closest), as commander suggests one. */
export function nearest(word: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = distance(word, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length]!;
}
