// `baomi enroll --console URL --token T [--ca FILE]`: joins this computer's agent to a
// console (the work is src/agent/sync/enroll.ts). Run it as the user the agent runs as (root
// for the system agent): the key and enrollment.json are readable by that user only. A
// running agent picks the enrollment up at its next sync interval; nothing needs a restart.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { enroll, readCa } from '../../agent/sync/enroll.js';
import { VERSION } from '../../agent/version.js';
import { BaomiError, isBaomiError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { cliDefaults } from '../defaults.js';
import { jsonLine } from '../printable.js';
import { localMoment } from '../time.js';

export interface EnrollFlags {
  console: string;
  token: string;
  ca?: string;
  dataDir?: string;
  trustDir?: string;
  force?: boolean;
  replaceExceptionKey?: boolean;
  json?: boolean;
}

/** "Already enrolled (since …)" in local time with its zone, as every time the CLI says. */
function localEnrolledAt(e: unknown): never {
  if (isBaomiError(e) && e.code === 'ENROLL_ALREADY') {
    const ms = typeof e.params.at === 'string' ? Date.parse(e.params.at) : Number.NaN;
    if (Number.isFinite(ms))
      throw new BaomiError('ENROLL_ALREADY', { ...e.params, at: localMoment(ms) }, e.exit);
  }
  throw e;
}

export default async function enrollCommand(
  { t }: CommandContext,
  o: EnrollFlags,
): Promise<number> {
  const d = cliDefaults();
  const dataDir = resolve(o.dataDir ?? d.dataDir);
  const trustDir = resolve(o.trustDir ?? d.trustDir);
  // `--token -`: from standard input, so it does not show in the process list or the history.
  const token = o.token === '-' ? readFileSync(0, 'utf8').trim() : o.token;
  if (token === '') throw new BaomiError('ENROLL_NO_TOKEN', {}, 2);
  const ca = o.ca !== undefined ? readCa(resolve(o.ca)) : undefined;
  const r = await enroll({
    console: o.console,
    token,
    ...(ca ? { ca } : {}),
    dataDir,
    trustDir,
    force: o.force === true,
    replaceExceptionKey: o.replaceExceptionKey === true,
    host: hostname(),
    os: process.platform === 'win32' ? 'win32' : process.platform === 'darwin' ? 'darwin' : 'linux',
    agentVersion: VERSION,
    now: Date.now(),
  }).catch(localEnrolledAt);
  if (o.json) {
    const { exceptionSecret: _secret, ca: _ca, ...shown } = r.enrollment;
    process.stdout.write(
      `${jsonLine({
        ...shown,
        pinnedCa: r.enrollment.ca !== undefined,
        enrollmentFile: r.enrollmentFile,
        keyFile: r.keyFile,
        exceptionKeyFile: r.exceptionKeyFile,
        exceptionKey: r.exceptionKey,
      })}\n`,
    );
    return 0;
  }
  const lines = [
    t('cli.enroll.done', {
      console: r.enrollment.console,
      agentId: r.enrollment.agentId,
      group: r.enrollment.group,
    }),
    t('cli.enroll.files', { enrollment: r.enrollmentFile, key: r.keyFile }),
    t(`cli.enroll.exceptionKey.${r.exceptionKey}`, { file: r.exceptionKeyFile }),
    ...(ca ? [t('cli.enroll.ca', { file: ca.file })] : []),
    t('cli.enroll.next'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
