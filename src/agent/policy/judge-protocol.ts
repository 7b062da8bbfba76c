// What the agent and its short-lived policy judge say to each other: one JSON request on the
// child's stdin, one JSON answer on its stdout. Bytes travel as base64; a parsed Policy is
// plain JSON data (durations in ms, sizes in bytes), so it survives the trip unchanged.
import type { Judgement } from '../../core/policy/judge.js';
import type {
  Policy,
  PolicyIssue,
  PolicyOs,
  ResolvedFolder,
  TrustedKey,
} from '../../core/policy/types.js';

export type JudgeRequest =
  | {
      op: 'judge';
      candidateB64: string;
      sigText: string | null;
      trusted: TrustedKey[];
      inForce: { version: number; sha256: string } | null;
      now: number;
      dataDir: string;
      os: PolicyOs;
    }
  | {
      /** Re-read the policy kept in the store (it was judged when it was applied). */
      op: 'restore';
      bytesB64: string;
      /** SECURITY: the stored policy must verify against the keys trusted in *this* run
       *  (a DEMO policy kept from a `--trust-demo` run is not in force without the flag). */
      sigText: string | null;
      trusted: TrustedKey[];
      dataDir: string;
      os: PolicyOs;
    };

export type RestoreAnswer =
  | { ok: true; policy: Policy; folders: ResolvedFolder[] }
  | { ok: false; issues: PolicyIssue[] }
  | { ok: false; untrusted: string; issues: [] };

export type JudgeAnswer = Judgement | RestoreAnswer;
