// What the policy judge answers to one request: the whole of judge-child.ts's work, as a
// function. The child runs it in its own short-lived process (judge-remote.ts says why); unit
// tests run it in theirs. SECURITY: the resident agent never imports this module (it loads the
// parser and the schema, the memory the child exists to keep out of the agent).
import { tryResolveFolders } from '../../core/policy/folders.js';
import { judgeCandidate } from '../../core/policy/judge.js';
import { parsePolicyBytes } from '../../core/policy/parse.js';
import { verifyPolicySignature } from '../../core/policy/signature.js';
import { VERSION } from '../version.js';
import type { JudgeAnswer, JudgeRequest, RestoreAnswer } from './judge-protocol.js';

export function answerJudgeRequest(req: JudgeRequest): JudgeAnswer {
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
