// Every command and flag of `baomi`, with help text in the person's language. The work of
// each command is in its own file, imported only when that command runs.
import { type Command, Option } from 'commander';
import type { Translate } from '../../core/i18n/translate.js';
import type { CommandModule } from '../context.js';
import { cliDefaults, consoleDefaultDataDir, systemSocketDir } from '../defaults.js';
import { registerStaffCommands } from '../staff/register.js';

export interface Registrar {
  t: Translate;
  configure: (cmd: Command) => Command;
  run: (load: () => Promise<CommandModule>) => (...args: unknown[]) => Promise<void>;
}

export function registerCommands(program: Command, { t, configure, run }: Registrar): void {
  const d = cliDefaults();
  const system = systemSocketDir();
  const sub = (parent: Command, name: string, desc: string) =>
    configure(parent.command(name)).description(desc);
  const readSource = (cmd: Command) =>
    cmd
      .option('--data-dir <dir>', t('cli.opt.dataDirRead'))
      .option(
        '--socket <path>',
        system === d.socketDir
          ? t('cli.opt.socketOne', { default: d.socketDir })
          : t('cli.opt.socket', { default: d.socketDir, system }),
      );

  sub(program, 'agent', t('cli.cmd.agent'))
    .option('--policy <file>', t('cli.opt.policy', { default: d.policyFile }))
    .option('--data-dir <dir>', t('cli.opt.dataDir', { default: d.dataDir }))
    .option('--trust-dir <dir>', t('cli.opt.trustDir', { default: d.trustDir }))
    .option('--socket <dir>', t('cli.opt.socketDir', { default: d.socketDir }))
    .option('--trust-demo', t('cli.opt.trustDemo'))
    .option('--enforce', t('cli.opt.enforce'))
    .option('--sysfs-root <dir>', t('cli.opt.sysfsRoot'))
    .action(
      run(async () => {
        // The resident agent gives its start-up memory back and then sleeps (settle.ts).
        (await import('../settle.js')).settleWhenIdle();
        return import('./agent.js');
      }),
    );

  readSource(sub(program, 'events', t('cli.cmd.events')))
    .option('--type <type...>', t('cli.opt.type'))
    .option('--level <level>', t('cli.opt.level'))
    .option('--severity <severity>', t('cli.opt.severity'))
    .option('--since <time>', t('cli.opt.since'))
    .option('--until <time>', t('cli.opt.until'))
    .option('--text <text>', t('cli.opt.text'))
    .option('--limit <n>', t('cli.opt.limit'))
    .option('--hashes', t('cli.opt.hashes'))
    .option('--utc', t('cli.opt.utc'))
    .addOption(new Option('--json', t('cli.opt.json')).conflicts('csv'))
    .option('--csv', t('cli.opt.csv'))
    .action(run(() => import('./events.js')));

  readSource(sub(program, 'verify', t('cli.cmd.verify')))
    .option('--json', t('cli.opt.json'))
    .action(run(() => import('./verify.js')));

  readSource(sub(program, 'status', t('cli.cmd.status')))
    .option('--json', t('cli.opt.json'))
    .action(run(() => import('./status.js')));

  const policy = sub(program, 'policy', t('cli.cmd.policy'));
  sub(policy, 'keygen', t('cli.cmd.keygen'))
    .argument('<name>', t('cli.arg.name'))
    .option('--out <dir>', t('cli.opt.out'))
    .action(run(() => import('./policy-keygen.js')));
  sub(policy, 'sign', t('cli.cmd.sign'))
    .argument('<file>', t('cli.arg.file'))
    .requiredOption('--key <file>', t('cli.opt.key'))
    .option('--at <time>', t('cli.opt.at'))
    .action(run(() => import('./policy-sign.js')));
  sub(policy, 'validate', t('cli.cmd.validate'))
    .argument('<file>', t('cli.arg.file'))
    .option('--trust-dir <dir>', t('cli.opt.trustDirValidate'))
    .option('--at <time>', t('cli.opt.at'))
    .option('--json', t('cli.opt.json'))
    .action(run(() => import('./policy-validate.js')));
  readSource(sub(policy, 'status', t('cli.cmd.policyStatus')))
    .option('--json', t('cli.opt.json'))
    .action(run(() => import('./policy-status.js')));

  const usb = sub(program, 'usb', t('cli.cmd.usb'));
  readSource(sub(usb, 'list', t('cli.cmd.usbList')))
    .addOption(new Option('--json', t('cli.opt.json')).conflicts('rule'))
    .option('--rule', t('cli.opt.rule'))
    .option('--utc', t('cli.opt.utc'))
    .action(run(() => import('./usb-list.js')));
  sub(usb, 'release', t('cli.cmd.usbRelease'))
    .option('--socket <path>', t('cli.opt.releaseSocket'))
    .option('--sysfs-root <dir>', t('cli.opt.sysfsRoot'))
    .option('--json', t('cli.opt.json'))
    .action(run(() => import('./usb-release.js')));

  // `console` runs the server; `console user add` shares its --data-dir/--db (commander gives
  // a parent's options to the parent wherever they are written: the subcommand reads them
  // with optsWithGlobals, and lists them again only for its --help).
  const consoleDir = consoleDefaultDataDir();
  const consoleCmd = sub(program, 'console', t('cli.cmd.console'))
    .option('--data-dir <dir>', t('cli.opt.consoleDataDir', { default: consoleDir }))
    .option('--db <url>', t('cli.opt.consoleDb'))
    .option('--listen <host:port>', t('cli.opt.listen', { default: '127.0.0.1:7443' }))
    .option('--tls-cert <file>', t('cli.opt.tlsCert'))
    .option('--tls-key <file>', t('cli.opt.tlsKey'))
    .option('--insecure', t('cli.opt.insecure'))
    .option('--exception-key <file>', t('cli.opt.consoleExceptionKey'))
    .option('--sync-interval <duration>', t('cli.opt.syncInterval', { default: '60s' }))
    .option('--config <file>', t('cli.opt.consoleConfig'))
    .action(run(() => import('./console.js')));
  const consoleUser = sub(consoleCmd, 'user', t('cli.cmd.consoleUser'));
  sub(consoleUser, 'add', t('cli.cmd.consoleUserAdd'))
    .argument('<name>', t('cli.arg.staffName'))
    .requiredOption('--role <role>', t('cli.opt.role'))
    .option('--data-dir <dir>', t('cli.opt.consoleDataDir', { default: consoleDir }))
    .option('--db <url>', t('cli.opt.consoleDb'))
    .action(run(async () => ({ default: (await import('./console.js')).userAdd })));
  // The staff CLI: clients of a console's API (login, agents, events, requests, policy, …).
  registerStaffCommands(consoleCmd, { t, configure, run });

  const exception = sub(program, 'exception', t('cli.cmd.exception'));
  const exceptionRun = (name: 'keygen' | 'issue' | 'redeem' | 'request') =>
    run(async () => ({ default: (await import('./exception.js'))[name] }));
  sub(exception, 'keygen', t('cli.cmd.exceptionKeygen'))
    .argument('<name>', t('cli.arg.exceptionKeyName'))
    .option('--out <dir>', t('cli.opt.out'))
    .action(exceptionRun('keygen'));
  sub(exception, 'issue', t('cli.cmd.exceptionIssue'))
    .requiredOption('--device <device>', t('cli.opt.exceptionDevice'))
    .requiredOption('--user <name>', t('cli.opt.exceptionUser'))
    .requiredOption('--for <duration>', t('cli.opt.exceptionFor'))
    .option('--from <time>', t('cli.opt.exceptionFrom'))
    .option('--host <name>', t('cli.opt.exceptionHost'))
    .requiredOption('--reason <text>', t('cli.opt.exceptionReason'))
    .requiredOption('--key <file>', t('cli.opt.exceptionKey'))
    .option('--out <file>', t('cli.opt.exceptionOut'))
    .option('--log <file>', t('cli.opt.exceptionLog'))
    .option('--no-qr', t('cli.opt.noQr'))
    .action(exceptionRun('issue'));
  sub(exception, 'redeem', t('cli.cmd.exceptionRedeem'))
    .argument('[token]', t('cli.arg.token'))
    .option('--file <file>', t('cli.opt.exceptionFile'))
    .option('--socket <path>', t('cli.opt.exceptionSocket'))
    .option('--json', t('cli.opt.json'))
    .action(exceptionRun('redeem'));
  sub(exception, 'request', t('cli.cmd.exceptionRequest'))
    .requiredOption('--device <device>', t('cli.opt.requestDevice'))
    .requiredOption('--reason <text>', t('cli.opt.requestReason'))
    .option('--socket <path>', t('cli.opt.exceptionSocket'))
    .option('--json', t('cli.opt.json'))
    .action(exceptionRun('request'));

  sub(program, 'pledge', t('cli.cmd.pledge'))
    .option('--accept', t('cli.opt.pledgeAccept'))
    .option('--socket <path>', t('cli.opt.pledgeSocket'))
    .option('--json', t('cli.opt.json'))
    .action(run(async () => import('./pledge.js')));

  sub(program, 'enroll', t('cli.cmd.enroll'))
    .requiredOption('--console <url>', t('cli.opt.enrollConsole'))
    .requiredOption('--token <token>', t('cli.opt.enrollToken'))
    .option('--ca <file>', t('cli.opt.enrollCa'))
    .option('--data-dir <dir>', t('cli.opt.dataDir', { default: d.dataDir }))
    .option('--trust-dir <dir>', t('cli.opt.enrollTrustDir', { default: d.trustDir }))
    .option('--force', t('cli.opt.enrollForce'))
    .option('--replace-exception-key', t('cli.opt.enrollReplaceKey'))
    .option('--json', t('cli.opt.json'))
    .action(run(() => import('./enroll.js')));
}
