// Rows as the staff API shows them (core/console/api.ts view types): no public keys, no
// exception secrets, no token hashes, no policy bytes.
import type { AgentView, EnrollTokenView, PolicyView } from '../../core/console/api.js';
import type { AgentRow, EnrollToken, Group, LastSeen, PolicyRow } from '../store/types.js';

/** Silent after this many sync intervals without a request (issue 11). */
export const SILENT_INTERVALS = 3;

export function agentView(
  a: AgentRow,
  group: Group | undefined,
  now: number,
  syncIntervalMs: number,
  pending?: LastSeen,
): AgentView {
  const fresher = pending && (a.lastSeen === null || pending.at > a.lastSeen);
  const lastSeen = fresher ? pending.at : a.lastSeen;
  const hb = (fresher ? pending.heartbeat : a.heartbeat) ?? {};
  const policy = hb.policy as { name?: unknown; version?: unknown } | null | undefined;
  const state: AgentView['state'] =
    a.revokedAt !== null
      ? 'revoked'
      : lastSeen === null
        ? 'never'
        : now - lastSeen <= SILENT_INTERVALS * syncIntervalMs
          ? 'online'
          : 'silent';
  return {
    id: a.id,
    host: a.host,
    os: a.os,
    group: a.group,
    department: group?.department ?? null,
    personnelClass: group?.personnelClass ?? null,
    enrolledAt: a.enrolledAt,
    revokedAt: a.revokedAt,
    lastSeen,
    state,
    seatUser: typeof hb.seatUser === 'string' ? hb.seatUser : null,
    agentVersion: typeof hb.agentVersion === 'string' ? hb.agentVersion : null,
    policy:
      policy && typeof policy.name === 'string' && typeof policy.version === 'number'
        ? { name: policy.name, version: policy.version }
        : null,
    usbEnforcing: typeof hb.usbEnforcing === 'boolean' ? hb.usbEnforcing : null,
    usbReason: typeof hb.usbReason === 'string' ? hb.usbReason : null,
    eventsWaiting: typeof hb.eventsWaiting === 'number' ? hb.eventsWaiting : null,
    ackedSeq: a.ackedSeq,
  };
}

export function policyView(p: PolicyRow): PolicyView {
  return {
    id: p.id,
    target: p.target,
    name: p.name,
    version: p.version,
    sha256: p.sha256,
    etag: p.etag,
    uploadedBy: p.uploadedBy,
    uploadedAt: p.uploadedAt,
  };
}

export function enrollTokenView(t: EnrollToken): EnrollTokenView {
  return {
    id: t.id,
    group: t.group,
    usesLeft: t.usesLeft,
    expiresAt: t.expiresAt,
    createdBy: t.createdBy,
    createdAt: t.createdAt,
    revokedAt: t.revokedAt,
  };
}
