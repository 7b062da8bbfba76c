// Database rows → the interface's types, shared by both engines (the column names are the
// same in both schemas; SQLite gives 0/1 where PostgreSQL gives booleans, and JSON is kept as
// text in both so an event comes back byte for byte as it was hashed).
import { alertTransitionAllowed } from '../../core/console/alerts.js';
import { BaomiError } from '../../core/errors.js';
import type { BaomiEvent, Json, Severity } from '../../core/events/types.js';
import { encodeCursor } from './cursor.js';
import type {
  AgentRow,
  AlertRow,
  AlertState,
  ApiToken,
  AuditRow,
  EnrollToken,
  ExceptionRequestRow,
  Group,
  PolicyRow,
  RequestState,
  Role,
  Session,
  StaffUser,
  StoredEvent,
} from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: a database row, typed by the mappers below
export type Row = Record<string, any>;

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const json = <T>(v: unknown): T => JSON.parse(String(v)) as T;

export function toUser(r: Row): StaffUser {
  return {
    id: num(r.id),
    name: r.name,
    role: r.role as Role,
    passwordHash: r.password_hash,
    disabled: Boolean(r.disabled),
    createdAt: num(r.created_at),
  };
}

export function toSession(r: Row): Session {
  return {
    idHash: r.id_hash,
    userId: num(r.user_id),
    csrfToken: r.csrf_token,
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    ip: r.ip,
  };
}

export function toApiToken(r: Row): ApiToken {
  return {
    id: r.id,
    userId: num(r.user_id),
    name: r.name,
    tokenHash: r.token_hash,
    createdAt: num(r.created_at),
    expiresAt: numOrNull(r.expires_at),
    revokedAt: numOrNull(r.revoked_at),
  };
}

export function toAudit(r: Row): AuditRow {
  return {
    seq: num(r.seq),
    ts: num(r.ts),
    actor: r.actor,
    action: r.action,
    ip: r.ip,
    target: r.target,
    details: json(r.details),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export function toGroup(r: Row): Group {
  return {
    name: r.name,
    department: strOrNull(r.department),
    personnelClass: strOrNull(r.personnel_class),
  };
}

export function toEnrollToken(r: Row): EnrollToken {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    group: r.group_name,
    usesLeft: num(r.uses_left),
    expiresAt: num(r.expires_at),
    createdBy: r.created_by,
    createdAt: num(r.created_at),
    revokedAt: numOrNull(r.revoked_at),
  };
}

export function toAgent(r: Row): AgentRow {
  return {
    id: r.id,
    publicKey: r.public_key,
    exceptionSecret: r.exception_secret,
    host: r.host,
    os: r.os,
    group: r.group_name,
    enrolledAt: num(r.enrolled_at),
    revokedAt: numOrNull(r.revoked_at),
    lastSeen: numOrNull(r.last_seen),
    heartbeat: r.heartbeat === null ? null : json(r.heartbeat),
    ackedSeq: num(r.acked_seq),
    headHash: strOrNull(r.head_hash),
    policyEtag: strOrNull(r.policy_etag),
    silentSince: numOrNull(r.silent_since),
  };
}

/** Rebuilds the event exactly as hashed: absent level/user are left out, never null. */
export function toEvent(r: Row): StoredEvent {
  const e: BaomiEvent = {
    id: r.id,
    seq: num(r.seq),
    ts: num(r.ts),
    type: r.type,
    severity: r.severity as Severity,
    host: r.host,
    data: json(r.data),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
  if (r.level !== null) e.level = r.level;
  if (r.user_name !== null) e.user = r.user_name;
  return { ...e, agentId: r.agent_id, receivedAt: num(r.received_at) };
}

export function eventCursor(e: StoredEvent): string {
  return encodeCursor({ ts: e.ts, agentId: e.agentId, seq: e.seq });
}

export function toAlert(r: Row): AlertRow {
  return {
    id: num(r.id),
    agentId: strOrNull(r.agent_id),
    ts: num(r.ts),
    type: r.type,
    severity: r.severity as Severity,
    seq: numOrNull(r.seq),
    data: json<{ [k: string]: Json }>(r.data),
    state: r.state as AlertState,
    // The user of the event it was raised from (migration sqlite 008 / postgres 007).
    ...(r.user_name !== null && r.user_name !== undefined ? { user: String(r.user_name) } : {}),
    // Present once staff changed the stage (migration 003 / 002): the row of an untouched
    // alert reads as before.
    ...(r.state_at !== null && r.state_at !== undefined
      ? { stateBy: String(r.state_by), stateAt: num(r.state_at), stateNote: String(r.state_note) }
      : {}),
  };
}

export function toRequest(r: Row): ExceptionRequestRow {
  return {
    id: r.id,
    agentId: r.agent_id,
    user: strOrNull(r.user_name),
    device: r.device,
    deviceLabel: strOrNull(r.device_label),
    reason: r.reason,
    requestedAt: num(r.requested_at),
    state: r.state as RequestState,
    decidedBy: strOrNull(r.decided_by),
    decidedAt: numOrNull(r.decided_at),
    note: strOrNull(r.note),
    token: strOrNull(r.token),
    deliveredAt: numOrNull(r.delivered_at),
  };
}

export function toPolicy(r: Row): PolicyRow {
  return {
    id: num(r.id),
    target: { kind: r.target_kind, value: r.target_value },
    name: r.name,
    version: num(r.version),
    sha256: r.sha256,
    bytes: Buffer.from(r.bytes),
    signature: r.signature,
    etag: r.etag,
    uploadedBy: r.uploaded_by,
    uploadedAt: num(r.uploaded_at),
  };
}

/**
 * True when the database keeps `s` exactly: PostgreSQL refuses NUL in text, and both drivers
 * turn a lone UTF-16 surrogate into U+FFFD on the way to UTF-8, which would change a hashed
 * event silently. (JSON text is always safe: JSON.stringify escapes both.)
 */
export function storableText(s: string): boolean {
  return !s.includes('\u0000') && (s as string & { isWellFormed(): boolean }).isWellFormed();
}

/** Refuses an event with a text column the database could not keep exactly (both engines). */
export function assertStorableEvent(e: BaomiEvent): void {
  const fields: [string, string | undefined][] = [
    ['id', e.id],
    ['type', e.type],
    ['severity', e.severity],
    ['level', e.level],
    ['user', e.user],
    ['host', e.host],
    ['prevHash', e.prevHash],
    ['hash', e.hash],
  ];
  for (const [name, v] of fields)
    if (v !== undefined && !storableText(v))
      throw new BaomiError('CONSOLE_DB_BAD_TEXT', { field: `event ${e.seq} ${name}` }, 2);
}

/** The row values of one event, in EVENT_COLUMNS order plus flags. */
export function eventValues(
  agentId: string,
  e: BaomiEvent,
  receivedAt: number,
  flags: readonly string[],
): unknown[] {
  return [
    agentId,
    e.seq,
    e.id,
    e.ts,
    e.type,
    e.severity,
    e.level ?? null,
    e.user ?? null,
    e.host,
    JSON.stringify(e.data),
    e.prevHash,
    e.hash,
    receivedAt,
    flags.join(','),
  ];
}

/** Whether setAlertState changes `before` (false: it is at `to` already, nothing to do);
 *  throws CONSOLE_ALERT_BAD_TRANSITION when staff may not make that move. Shared by both
 *  engines and the memory twin, so they refuse the same moves. */
export function alertMoves(before: AlertRow, to: AlertState): boolean {
  if (before.state === to) return false;
  if (!alertTransitionAllowed(before.state, to))
    throw new BaomiError(
      'CONSOLE_ALERT_BAD_TRANSITION',
      { id: before.id, from: before.state, to },
      1,
    );
  return true;
}
