// `baomi agent`: the service in the foreground. SIGINT and SIGTERM stop it cleanly: every
// pending event is flushed and `agent.stopped` written before the process exits.
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { startAgent } from '../../agent/agent.js';
import { inspectTrustDir } from '../../agent/policy/trust.js';
import { VERSION } from '../../agent/version.js';
import { isBaomiError } from '../../core/errors.js';
import { type ChainStatus, chainStatusLines } from '../../core/events/chain-status.js';
import { describePolicyRejection, policyRejectionProblems } from '../../core/policy/rejection.js';
import { createPlatform } from '../../platform/index.js';
import { socketPaths } from '../../platform/paths.js';
import type { CommandContext } from '../context.js';
import { cliDefaults } from '../defaults.js';
import { printTrustProblems } from '../trust-report.js';
import { rejectionLines } from './status.js';

interface AgentFlags {
  policy?: string;
  dataDir?: string;
  trustDir?: string;
  socket?: string;
  trustDemo?: boolean;
  enforce?: boolean;
  sysfsRoot?: string;
}

export default async function agent({ t, lang }: CommandContext, f: AgentFlags): Promise<number> {
  const d = cliDefaults();
  const dataDir = resolve(f.dataDir ?? d.dataDir);
  const policyFile = resolve(f.policy ?? d.policyFile);
  const sockets = socketPaths(resolve(f.socket ?? d.socketDir));
  // Listen for SIGINT/SIGTERM before starting: a signal during start-up must still end in a
  // clean stop (agent.stopped recorded), not in Node's default abrupt exit.
  let signalled: NodeJS.Signals | null = null;
  let onSignal = (s: NodeJS.Signals) => {
    signalled ??= s;
  };
  const handler = (s: NodeJS.Signals) => onSignal(s);
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  const trustDir = resolve(f.trustDir ?? d.trustDir);
  // Said before anything else: a trust dir that trusts nothing refuses every policy later.
  printTrustProblems({ t, lang }, trustDir, inspectTrustDir(trustDir));
  const running = await startAgent({
    policyFile,
    dataDir,
    trustDir,
    sockets,
    trustDemo: Boolean(f.trustDemo),
    enforce: Boolean(f.enforce),
    lang,
    platform: createPlatform(f.sysfsRoot ? { sysfsRoot: resolve(f.sysfsRoot) } : {}),
    onFatal: (e) => {
      const code = isBaomiError(e) ? e.code : 'STORE_WRITE_FAILED';
      const params = isBaomiError(e) ? e.params : { reason: String(e) };
      process.stderr.write(`baomi: ${t(code, params)}\n`);
      process.exit(1);
    },
  });

  const inForce = running.inForce();
  const status = running.status();
  const problem = status.policyProblem as { code: string } | undefined;
  // chain.head compared at start: a log cut while no agent ran is said here (the full walk
  // runs in the background; its result is printed below when it is recorded).
  const chain = status.chain as ChainStatus | undefined;
  const chainBroken = chain?.ok === false ? chainStatusLines(t, chain) : [];
  // The commands that reach this agent: its own --socket directory when it was given one.
  const where = f.socket ? ` --socket ${sockets.admin}` : '';
  const lines = [
    t('agent.banner.started', { version: VERSION, user: userInfo().username, pid: process.pid }),
    t('agent.banner.data', { db: join(dataDir, 'baomi.db') }),
    t('agent.banner.log', { log: running.logFile }),
    t('agent.banner.policy', { file: policyFile }),
    inForce
      ? t('agent.banner.inForce', { name: inForce.name, version: inForce.version })
      : t('agent.banner.noPolicy'),
    ...(problem ? [t('agent.banner.problem', { text: t(problem.code, problem) })] : []),
    // The file refused at start, or earlier and unchanged since (recorded once: manager.ts).
    ...(status.policyRejected
      ? rejectionLines(t, lang, status.policyRejected).map((text, i) =>
          i === 0 ? t('agent.banner.problem', { text }) : text,
        )
      : []),
    ...chainBroken.map((text) => t('agent.banner.problem', { text })),
    ...status.watched.map((w) => t('agent.banner.folder', w)),
    status.usb.enforcing
      ? t('agent.banner.usbOn')
      : t('agent.banner.usbOff', { reason: t(status.usb.reason ?? 'USB_NO_MODULE') }),
    t('agent.banner.sockets', sockets),
    ...(f.trustDemo ? [t('agent.banner.demo')] : []),
    t('agent.banner.look', { where }),
    t('agent.banner.stop'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  // The result of the walk at start, once: it may have been recorded before this listens.
  let startShown = false;
  const showChain = (c: ChainStatus) => {
    if (c.scope === 'start' && startShown) return;
    if (c.scope === 'start') startShown = true;
    (c.ok ? process.stdout : process.stderr).write(`${chainStatusLines(t, c).join('\n')}\n`);
  };
  // Tell the person in the foreground what the policy watcher decided.
  running.store.onCommitted((events) => {
    for (const e of events) {
      if (e.type === 'policy.applied')
        process.stdout.write(`${t('agent.policyApplied', e.data)}\n`);
      if (e.type === 'policy.rejected') {
        // The first problem with what stays in force, then the file's other problems.
        const { lines: problems, more } = policyRejectionProblems(lang, e.data);
        const rest = problems.slice(1).map((text) => t('cli.policyStatus.problem', { text }));
        if (more > 0)
          rest.push(t('cli.policyStatus.moreProblems', { count: more, file: e.data.file }));
        process.stderr.write(
          `${[t('agent.policyRejected', { reason: describePolicyRejection(lang, e.data) }), ...rest].join('\n')}\n`,
        );
      }
      // The agent's own walks; the head check at start is already in the banner.
      if (e.type === 'store.chain-checked' && e.data.scope !== 'head')
        showChain({ ...(e.data as unknown as ChainStatus), at: e.ts });
    }
  });

  const walked = running.status().chain as ChainStatus | undefined;
  if (walked?.scope === 'start') showChain(walked);

  return new Promise<number>((done) => {
    onSignal = (signal: NodeJS.Signals) => {
      void running.stop(signal).then(() => {
        process.stdout.write(`${t('agent.stopped', { signal })}\n`);
        done(0);
      });
    };
    if (signalled) onSignal(signalled);
  });
}
