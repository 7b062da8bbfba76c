// `baomi console policy upload FILE --group G | --department D | --class 核心|重要|一般`,
// `baomi console policy list` and `baomi console policy versions`.
//
// The upload sends the file's exact bytes and the text of FILE.sig beside it; without a
// signature it sends nothing: agents would refuse an unsigned policy anyway, and the console
// keeps no key to sign one. The console reads the policy with the core parser and refuses
// what every agent would refuse (each problem is printed); the signature itself is checked by
// each agent against the keys it pinned, so a compromised console cannot push a policy.

import { join } from 'node:path';
import type { Command } from 'commander';
import { inspectTrustDir } from '../../agent/policy/trust.js';
import type { AgentView, PolicyView } from '../../core/console/api.js';
import { BaomiError } from '../../core/errors.js';
import { MAX_POLICY_BYTES } from '../../core/policy/decode.js';
import { verifyPolicySignature } from '../../core/policy/signature.js';
import type { CommandContext } from '../context.js';
import { jsonLine, printable } from '../printable.js';
import { readInput } from '../read-input.js';
import { ConsoleRefusal } from '../staff/client.js';
import { choice, flagsOf, type StaffFlags, withStaff } from '../staff/open.js';
import { type Column, note, out, printRows } from '../staff/output.js';
import { printTrustProblems } from '../trust-report.js';

export const PERSONNEL_CLASSES = ['核心', '重要', '一般'] as const;
/** A .sig file is one line of base64; anything much larger is not one. */
const MAX_SIG_BYTES = 4096;

interface UploadFlags extends StaffFlags {
  group?: string;
  department?: string;
  class?: string;
  trustDir?: string;
}

/**
 * With --trust-dir (the fleet's: DIR/policy/*.pub, as the agents have it), the signature is
 * checked here before anything is sent: a .sig made for other bytes or by another key would
 * otherwise be uploaded, exit 0, and refused by every agent (POLICY_SIG_UNTRUSTED).
 */
function checkSignature(
  ctx: CommandContext,
  file: string,
  trustDir: string,
  bytes: Buffer,
  signature: string,
): void {
  const trust = inspectTrustDir(trustDir);
  printTrustProblems(ctx, trustDir, trust);
  const check = verifyPolicySignature(bytes, signature, trust.keys);
  if (check.ok) return;
  throw new BaomiError(
    'CONSOLE_CLIENT_SIG_REFUSED',
    {
      file,
      trustDir,
      problem: ctx.t(check.code, {
        file,
        sig: `${file}.sig`,
        trustDir,
        keysDir: join(trustDir, 'policy'),
      }),
    },
    2,
  );
}

/** Whether an enrolled, not revoked agent is in `target` (the policy reaches someone). */
function reaches(agents: AgentView[], target: Target): number {
  return agents.filter(
    (a) =>
      a.state !== 'revoked' &&
      (target.kind === 'group'
        ? a.group === target.value
        : target.kind === 'department'
          ? a.department === target.value
          : a.personnelClass === target.value),
  ).length;
}

type Target = PolicyView['target'];

export function uploadTarget(f: UploadFlags): Target {
  const given: Target[] = [];
  if (f.group !== undefined) given.push({ kind: 'group', value: f.group });
  if (f.department !== undefined) given.push({ kind: 'department', value: f.department });
  if (f.class !== undefined)
    given.push({ kind: 'class', value: choice('--class', f.class, PERSONNEL_CLASSES)! });
  if (given.length !== 1) throw new BaomiError('CONSOLE_CLIENT_ONE_TARGET', {}, 2);
  return given[0]!;
}

/** FILE's bytes and FILE.sig's text; no signature file, no upload (exit 2). */
export function readSigned(file: string): { bytes: Buffer; signature: string } {
  const bytes = readInput(file, MAX_POLICY_BYTES);
  const sigFile = `${file}.sig`;
  let signature: string;
  try {
    signature = readInput(sigFile, MAX_SIG_BYTES).toString('utf8');
  } catch (e) {
    if (e instanceof BaomiError && e.params.reason === 'ENOENT')
      throw new BaomiError('CONSOLE_CLIENT_NO_SIGNATURE', { file, sig: sigFile }, 2);
    throw e;
  }
  // The agents read .sig as UTF-8 and allow a BOM (core/policy/signature.ts); so does this.
  return { bytes, signature: signature.replace(/^\uFEFF/, '').trim() };
}

interface Problem {
  line?: number;
  col?: number;
  path?: string;
  message?: string;
}

export async function upload(
  ctx: CommandContext,
  file: string,
  _o: unknown,
  cmd: Command,
): Promise<number> {
  const f = flagsOf<UploadFlags>(cmd);
  const target = uploadTarget(f);
  const { bytes, signature } = readSigned(file);
  if (f.trustDir !== undefined) checkSignature(ctx, file, f.trustDir, bytes, signature);
  return withStaff(ctx, f, async (c) => {
    let p: PolicyView;
    try {
      p = await c.post<PolicyView>('/api/v1/policies', {
        target,
        policy: bytes.toString('base64'),
        signature,
      });
    } catch (e) {
      // Every problem the console found, as `baomi policy validate` lists them.
      const problems = e instanceof ConsoleRefusal ? e.answer.problems : undefined;
      if (Array.isArray(problems))
        for (const pr of problems as Problem[])
          note(
            printable(
              pr.line !== undefined
                ? `${file}:${pr.line}:${pr.col ?? 1}: ${pr.message ?? ''}`
                : `${file}: ${pr.message ?? ''}`,
            ),
          );
      throw e;
    }
    if (f.json) out(`${jsonLine(p)}\n`);
    else
      out(
        `${ctx.t('cli.staff.policy.uploaded', {
          name: printable(p.name),
          version: p.version,
          target: targetText(ctx.t, p.target),
          id: p.id,
          sha256: p.sha256,
        })}\n`,
      );
    // A target no enrolled agent is in (a typo in --group): uploaded, but said, never silent.
    // Advisory only: the upload is done whatever this read says.
    const agents = await c
      .get<{ agents: AgentView[] }>('/api/v1/agents')
      .then((r) => r.agents)
      .catch(() => null);
    if (agents !== null && reaches(agents, p.target) === 0)
      note(
        ctx.t('cli.staff.policy.reachesNone', { target: printable(targetText(ctx.t, p.target)) }),
      );
    return 0;
  });
}

function targetText(t: CommandContext['t'], target: Target): string {
  return t(`cli.staff.target.${target.kind}`, { value: target.value });
}

export async function list(ctx: CommandContext, _o: unknown, cmd: Command): Promise<number> {
  const f = flagsOf<StaffFlags>(cmd);
  return withStaff(ctx, f, async (c) => {
    const { policies } = await c.get<{ policies: PolicyView[] }>('/api/v1/policies');
    const cols: Column<PolicyView>[] = [
      { name: 'id', cell: (p) => String(p.id) },
      ...(f.csv
        ? [
            { name: 'target_kind', cell: (p: PolicyView) => p.target.kind },
            { name: 'target', cell: (p: PolicyView) => p.target.value },
          ]
        : [{ name: 'target', cell: (p: PolicyView) => targetText(ctx.t, p.target) }]),
      { name: 'name', cell: (p) => p.name },
      { name: 'version', cell: (p) => String(p.version) },
      { name: 'uploaded_by', cell: (p) => p.uploadedBy },
      { name: 'uploaded', cell: () => '', time: (p) => p.uploadedAt },
      // The table shows enough of the hash to tell versions apart; CSV and JSON all of it.
      { name: 'sha256', cell: (p) => (f.csv ? p.sha256 : `${p.sha256.slice(0, 16)}…`) },
    ];
    printRows(policies, cols, f, ctx.t, ctx.t('cli.staff.policy.none'));
    return 0;
  });
}

interface VersionRow {
  name: string | null;
  version: number | null;
  agents: number;
}

export async function versions(ctx: CommandContext, _o: unknown, cmd: Command): Promise<number> {
  const f = flagsOf<StaffFlags>(cmd);
  return withStaff(ctx, f, async (c) => {
    const { versions: rows } = await c.get<{ versions: VersionRow[] }>('/api/v1/policies/versions');
    const cols: Column<VersionRow>[] = [
      {
        name: 'name',
        cell: (v) => v.name ?? (f.csv ? '' : ctx.t('cli.staff.policy.noPolicy')),
      },
      { name: 'version', cell: (v) => (v.version === null ? '' : String(v.version)) },
      { name: 'agents', cell: (v) => String(v.agents) },
    ];
    printRows(rows, cols, f, ctx.t, ctx.t('cli.staff.policy.noAgents'));
    return 0;
  });
}
