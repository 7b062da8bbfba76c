// Judging a policy needs the YAML parser and the zod schema: ~15 MiB of resident memory that
// an ES module never gives back, for work done a few times a year. So the resident agent
// judges in a short-lived child process (judge-child.ts) and keeps only the answer: a
// Policy is plain JSON data. ~100-300 ms per judgement; policy changes are rare.
//
// SECURITY: fail closed. A child that cannot start, crashes, answers nonsense or takes too
// long is an error the caller turns into a refusal; nothing here ever means "accept".
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Judgement } from '../../core/policy/judge.js';
import { POLICY_ERROR_CODES } from '../../core/policy/types.js';
import type { JudgeRequest, RestoreAnswer } from './judge-protocol.js';

const CHILD = fileURLToPath(new URL('./judge-child.js', import.meta.url));
/** Generous: a busy machine may take seconds to start node and load the schema. */
export const JUDGE_TIMEOUT_MS = 30_000;
/** A 1 MiB policy parses to a few MiB of JSON at most. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
const MAX_STDERR_BYTES = 4096;

export class JudgeFailed extends Error {}

export type JudgeRunner = (req: JudgeRequest) => Promise<unknown>;

/** Runs one request in a fresh `node judge-child.js`; rejects with JudgeFailed. */
export function runJudgeChild(
  req: JudgeRequest,
  timeoutMs = JUDGE_TIMEOUT_MS,
  child = CHILD,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new JudgeFailed(why));
    };
    // execArgv is not inherited on purpose: flags given to the agent (an inspector port,
    // a heap limit) are not meant for its judge.
    const proc = spawn(process.execPath, [child], {
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    proc.stdout.on('data', (c: Buffer) => {
      outBytes += c.length;
      if (outBytes > MAX_ANSWER_BYTES) fail('answer too large');
      else out.push(c);
    });
    proc.stderr.on('data', (c: Buffer) => {
      if (err.length < MAX_STDERR_BYTES) err += c.toString('utf8');
    });
    proc.on('error', (e) => fail(`cannot start ${process.execPath}: ${e.message}`));
    proc.stdin.on('error', () => {}); // a child that died early; 'close' reports it
    proc.on('close', (code, signal) => {
      if (settled) return;
      if (code !== 0) {
        // Node prints the stack, then its version: the line naming the error says most.
        const lines = err.split('\n').map((l) => l.trim());
        const why = lines.find((l) => /^[\w.]*Error\b/.test(l)) ?? '';
        fail(`exited with ${signal ?? `code ${code}`}${why ? `: ${why.slice(0, 300)}` : ''}`);
        return;
      }
      try {
        const value: unknown = JSON.parse(Buffer.concat(out).toString('utf8'));
        settled = true;
        clearTimeout(timer);
        resolve(value);
      } catch {
        fail('answered something that is not JSON');
      }
    });
    proc.stdin.end(JSON.stringify(req));
  });
}

/** The judge's verdict, checked for shape: anything else is a JudgeFailed. */
export async function judgeRemote(
  req: Extract<JudgeRequest, { op: 'judge' }>,
  run: JudgeRunner = runJudgeChild,
): Promise<Judgement> {
  const a = (await run(req)) as Partial<Judgement> | null;
  const ok =
    a !== null &&
    typeof a === 'object' &&
    ((a.verdict === 'apply' && isObject(a.policy) && Array.isArray(a.folders)) ||
      (a.verdict === 'same' && typeof a.sha256 === 'string') ||
      // A refusal's code is rendered from the event later: only a listed code with its
      // params, so the event can always be shown (codes/policy.ts).
      (a.verdict === 'reject' &&
        (POLICY_ERROR_CODES as readonly unknown[]).includes(a.code) &&
        isObject(a.params) &&
        Array.isArray(a.issues)));
  if (!ok) throw new JudgeFailed('answered with an unexpected shape');
  return a as Judgement;
}

export async function restoreRemote(
  req: Extract<JudgeRequest, { op: 'restore' }>,
  run: JudgeRunner = runJudgeChild,
): Promise<RestoreAnswer> {
  const a = (await run(req)) as Partial<RestoreAnswer> | null;
  const ok =
    a !== null &&
    typeof a === 'object' &&
    ((a.ok === true && isObject(a.policy) && Array.isArray(a.folders)) ||
      (a.ok === false && Array.isArray(a.issues)));
  if (!ok) throw new JudgeFailed('answered with an unexpected shape');
  return a as RestoreAnswer;
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}
