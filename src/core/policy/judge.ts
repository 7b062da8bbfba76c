// Whether a candidate policy replaces the one in force. Pure: the clock, the trust store and
// the policy in force are passed in, so every branch is testable in a millisecond.
//
// Order matters and is part of the contract: cheap structural checks first (size, encoding,
// parse, schema, this machine's folders), then trust (signature), then time, then history.
// The last good policy stays in force on any rejection; that is the caller's job.
import { createHash } from 'node:crypto';
import type { Json } from '../events/types.js';
import { tryResolveFolders } from './folders.js';
import { locatePolicyPath, parsePolicyBytes } from './parse.js';
import { verifyPolicySignature } from './signature.js';
import type {
  Policy,
  PolicyErrorCode,
  PolicyIssue,
  PolicyOs,
  ResolvedFolder,
  TrustedKey,
} from './types.js';
import { parseRfc3339 } from './units.js';

/**
 * A policy issued up to this far in the future is accepted: IT's clock and the endpoint's
 * drift apart. Beyond it the policy is refused as not yet valid; the agent may offer it again
 * on its next reload.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface Candidate {
  candidateBytes: Uint8Array;
  /** Contents of FILE.sig, or null when there is none. */
  sigText: string | Uint8Array | null;
  trusted: readonly TrustedKey[];
  inForce: { version: number; sha256: string } | null;
  /** ms since the epoch */
  now: number;
  dataDir: string;
  os: PolicyOs;
  /** The judging agent's version (src/agent/version.ts), against the policy's minAgentVersion. */
  agentVersion: string;
}

export type Judgement =
  | {
      verdict: 'apply';
      policy: Policy;
      sha256: string;
      keyName: string;
      folders: ResolvedFolder[];
    }
  | { verdict: 'same'; sha256: string }
  | {
      verdict: 'reject';
      code: PolicyErrorCode;
      params: Record<string, Json>;
      /** Every problem found, for parse and schema failures (first one is `code`). */
      issues: PolicyIssue[];
    };

export interface TimeProblem {
  code: 'POLICY_EXPIRED' | 'POLICY_NOT_YET_VALID';
  /** The key that is out of range, for pointing at its line. */
  key: 'expires' | 'issued';
  params: Record<string, Json>;
}

/**
 * Whether a policy is in its validity window at `now` (ms since the epoch), the one rule the
 * agent's judge and `policy validate`/`policy sign` share: expired from `expires` on; not yet
 * valid while `issued` is more than CLOCK_SKEW_MS ahead.
 */
export function policyTimeProblem(
  policy: Pick<Policy, 'issued' | 'expires' | 'name'>,
  now: number,
): TimeProblem | null {
  const issued = parseRfc3339(policy.issued)!;
  const expires = parseRfc3339(policy.expires)!;
  if (now >= expires) {
    return {
      code: 'POLICY_EXPIRED',
      key: 'expires',
      params: { expires: policy.expires, name: policy.name },
    };
  }
  if (issued > now + CLOCK_SKEW_MS) {
    return {
      code: 'POLICY_NOT_YET_VALID',
      key: 'issued',
      params: { issued: policy.issued, name: policy.name },
    };
  }
  return null;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function judgeCandidate(c: Candidate): Judgement {
  const parsed = parsePolicyBytes(c.candidateBytes, { agentVersion: c.agentVersion });
  if (!parsed.ok) return rejectIssues(parsed.issues);
  const policy = parsed.policy;

  const resolved = tryResolveFolders(policy, { os: c.os, dataDir: c.dataDir });
  if (!resolved.ok) {
    const at = locatePolicyPath(c.candidateBytes, resolved.issue.path);
    return rejectIssues([{ ...resolved.issue, ...at }]);
  }

  const sig = verifyPolicySignature(c.candidateBytes, c.sigText, c.trusted);
  if (!sig.ok) return reject(sig.code, { badKeys: sig.badKeys, trustedKeys: c.trusted.length });

  const time = policyTimeProblem(policy, c.now);
  if (time) return reject(time.code, time.params);

  const sha256 = sha256Hex(c.candidateBytes);
  if (c.inForce) {
    if (c.inForce.sha256 === sha256) return { verdict: 'same', sha256 };
    if (policy.version < c.inForce.version) {
      return reject('POLICY_DOWNGRADE', {
        version: policy.version,
        inForceVersion: c.inForce.version,
      });
    }
    if (policy.version === c.inForce.version) {
      return reject('POLICY_SAME_VERSION_CHANGED', { version: policy.version });
    }
  }
  return { verdict: 'apply', policy, sha256, keyName: sig.keyName, folders: resolved.folders };
}

function reject(code: PolicyErrorCode, params: Record<string, Json>): Judgement {
  return { verdict: 'reject', code, params, issues: [] };
}

function rejectIssues(issues: PolicyIssue[]): Judgement {
  const first = issues[0]!;
  return {
    verdict: 'reject',
    code: first.code,
    params: { ...first.params, line: first.line, col: first.col, path: first.path },
    issues,
  };
}
