// The policy judge, run as its own short-lived process (see judge-remote.ts for why): reads
// one JudgeRequest from stdin, writes one answer to stdout, exits. Anything unexpected ends
// the process with a non-zero code, which the agent records as a refusal (fail closed).

import { tryResolveFolders } from '../../core/policy/folders.js';
import { judgeCandidate } from '../../core/policy/judge.js';
import { parsePolicyBytes } from '../../core/policy/parse.js';
import { verifyPolicySignature } from '../../core/policy/signature.js';
import { VERSION } from '../version.js';
import type { JudgeAnswer, JudgeRequest, RestoreAnswer } from './judge-protocol.js';

function answer(req: JudgeRequest): JudgeAnswer {
  if (req.op === 'judge') {
    return judgeCandidate({
      candidateBytes: Buffer.from(req.candidateB64, 'base64'),
      sigText: req.sigText,
      trusted: req.trusted,
      inForce: req.inForce,
      now: req.now,
      dataDir: req.dataDir,
      os: req.os,
      agentVersion: VERSION,
    });
  }
  if (req.op === 'restore') return restore(req);
  throw new Error(`unknown request ${String((req as { op?: unknown }).op)}`);
}

function restore(req: Extract<JudgeRequest, { op: 'restore' }>): RestoreAnswer {
  const bytes = Buffer.from(req.bytesB64, 'base64');
  const sig = verifyPolicySignature(bytes, req.sigText, req.trusted);
  if (!sig.ok) return { ok: false, untrusted: sig.code, issues: [] };
  // The kept policy is re-read by this agent, which may be older than the one that applied it.
  const parsed = parsePolicyBytes(bytes, { agentVersion: VERSION });
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const resolved = tryResolveFolders(parsed.policy, { dataDir: req.dataDir, os: req.os });
  if (!resolved.ok) return { ok: false, issues: [resolved.issue] };
  return { ok: true, policy: parsed.policy, folders: resolved.folders };
}

const chunks: Buffer[] = [];
process.stdin.on('data', (c: Buffer) => chunks.push(c));
process.stdin.on('end', () => {
  const req = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JudgeRequest;
  // No process.exit(): stdout is a pipe and must drain; the process ends when it has.
  process.stdout.write(JSON.stringify(answer(req)));
});
