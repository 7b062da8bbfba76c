// `baomi agent`: the service in the foreground. SIGINT and SIGTERM stop it cleanly: every
// pending event is flushed and `agent.stopped` written before the process exits.
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { startAgent } from '../../agent/agent.js';
import { VERSION } from '../../agent/version.js';
import { isBaomiError } from '../../core/errors.js';
import { describePolicyRejection } from '../../core/policy/rejection.js';
import { socketPaths } from '../../platform/paths.js';
import type { CommandContext } from '../context.js';
import { cliDefaults } from '../defaults.js';

interface AgentFlags {
  policy?: string;
  dataDir?: string;
  trustDir?: string;
  socket?: string;
  trustDemo?: boolean;
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
  const running = await startAgent({
    policyFile,
    dataDir,
    trustDir: resolve(f.trustDir ?? d.trustDir),
    sockets,
    trustDemo: Boolean(f.trustDemo),
    lang,
    onFatal: (e) => {
      const code = isBaomiError(e) ? e.code : 'STORE_WRITE_FAILED';
      const params = isBaomiError(e) ? e.params : { reason: String(e) };
      process.stderr.write(`baomi: ${t(code, params)}\n`);
      process.exit(1);
    },
  });

  const inForce = running.policy.current;
  const lines = [
    t('agent.banner.started', { version: VERSION, user: userInfo().username, pid: process.pid }),
    t('agent.banner.data', { db: join(dataDir, 'baomi.db') }),
    t('agent.banner.log', { log: running.logFile }),
    t('agent.banner.policy', { file: policyFile }),
    inForce
      ? t('agent.banner.inForce', { name: inForce.name, version: inForce.version })
      : t('agent.banner.noPolicy'),
    t('agent.banner.sockets', sockets),
    ...(f.trustDemo ? [t('agent.banner.demo')] : []),
    t('agent.banner.look'),
    t('agent.banner.stop'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  // Tell the person in the foreground what the policy watcher decided.
  running.store.onCommitted((events) => {
    for (const e of events) {
      if (e.type === 'policy.applied')
        process.stdout.write(`${t('agent.policyApplied', e.data)}\n`);
      if (e.type === 'policy.rejected')
        process.stderr.write(
          `${t('agent.policyRejected', { reason: describePolicyRejection(lang, e.data) })}\n`,
        );
    }
  });

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
