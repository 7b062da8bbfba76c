// The notification methods of the SQLite store (types.ts "Alert notifications"), called by
// SqliteConsoleStore inside its BEGIN IMMEDIATE transactions: synchronous, so nothing else
// writes between a read and the write that depends on it. PostgreSQL's twin: notify-postgres.ts.
import { planDeliveries } from '../../core/console/notify/plan.js';
import { failedAlertKey, interruptedDetail, MAX_NAMED, toDelivery } from './notify-rows.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  DeliveryRow,
  EnqueueResult,
  NotifyRouting,
} from './notify-types.js';
import { type Row, toAlert } from './rows.js';

export interface SqliteAccess {
  get(sql: string, ...params: unknown[]): Row | undefined;
  all(sql: string, ...params: unknown[]): Row[];
  run(sql: string, ...params: unknown[]): number;
}

export function enqueueSqlite(
  db: SqliteAccess,
  now: number,
  routing: NotifyRouting,
  limit: number,
): EnqueueResult {
  const alerts = db
    .all('SELECT * FROM alerts WHERE notify_todo = 1 ORDER BY id LIMIT ?', Math.max(0, limit))
    .map(toAlert);
  const plan = planDeliveries({
    now,
    maxAgeMs: routing.maxAgeMs,
    alerts: alerts.map((a) => ({
      id: a.id,
      agentId: a.agentId,
      ts: a.ts,
      routes: routing.route(a),
    })),
    windows: db
      .all('SELECT rule, agent_key, until FROM notify_quiet')
      .map((r) => ({ rule: r.rule, agentKey: r.agent_key, until: Number(r.until) })),
    held: db
      .all("SELECT id, rule, agent_key, channel FROM notify_deliveries WHERE state = 'held'")
      .map((r) => ({ id: Number(r.id), rule: r.rule, agentKey: r.agent_key, channel: r.channel })),
    quietMsOf: routing.quietMsOf,
  });
  const out: EnqueueResult = {
    alerts: alerts.length,
    pending: 0,
    held: 0,
    skipped: 0,
    summaries: 0,
  };
  for (const d of plan.deliveries) {
    const r = db.get(
      `INSERT INTO notify_deliveries
         (alert_id, kind, channel, rule, agent_key, state, created_at, next_at, last_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (alert_id, channel) DO NOTHING RETURNING id`,
      d.alertId,
      d.alertId === null ? 'summary' : 'alert',
      d.channel,
      d.rule,
      d.agentKey,
      d.state,
      now,
      now,
      d.error,
    );
    if (!r) continue;
    if (d.alertId === null) out.summaries++;
    else out[d.state]++;
    if (d.names.length > 0)
      db.run(
        `UPDATE notify_deliveries SET state = 'named', named_in = ?
         WHERE state = 'held' AND id IN (SELECT value FROM json_each(?))`,
        r.id,
        JSON.stringify(d.names),
      );
  }
  for (const w of plan.windows)
    db.run(
      `INSERT INTO notify_quiet (rule, agent_key, until) VALUES (?, ?, ?)
       ON CONFLICT (rule, agent_key) DO UPDATE SET until = excluded.until`,
      w.rule,
      w.agentKey,
      w.until,
    );
  // A window that has ended with nothing held is the same as none: the table stays small.
  db.run(
    `DELETE FROM notify_quiet WHERE until <= ? AND NOT EXISTS (
       SELECT 1 FROM notify_deliveries d
       WHERE d.state = 'held' AND d.rule = notify_quiet.rule AND d.agent_key = notify_quiet.agent_key)`,
    now,
  );
  if (alerts.length > 0)
    db.run(
      'UPDATE alerts SET notify_todo = 0 WHERE id IN (SELECT value FROM json_each(?))',
      JSON.stringify(alerts.map((a) => a.id)),
    );
  return out;
}

export function claimSqlite(
  db: SqliteAccess,
  holder: string,
  now: number,
  claimMs: number,
  limit: number,
): ClaimedDelivery[] {
  const due = db.all(
    `SELECT * FROM notify_deliveries
     WHERE state IN ('pending', 'sending') AND next_at <= ? ORDER BY next_at, id LIMIT ?`,
    now,
    Math.max(0, limit),
  );
  const out: ClaimedDelivery[] = [];
  for (const d of due) {
    const interrupted = d.state === 'sending';
    const r = db.get(
      `UPDATE notify_deliveries SET state = 'sending', claimed_by = ?, next_at = ?,
         attempts = attempts + 1,
         last_error = CASE WHEN ? THEN 'NOTIFY_INTERRUPTED' ELSE last_error END,
         last_detail = CASE WHEN ? THEN ? ELSE last_detail END
       WHERE id = ? AND state = ? AND next_at <= ? RETURNING *`,
      holder,
      now + claimMs,
      interrupted ? 1 : 0,
      interrupted ? 1 : 0,
      interruptedDetail(d.claimed_by, Number(d.next_at)),
      d.id,
      d.state,
      now,
    );
    if (r) out.push(claimedSqlite(db, toDelivery(r), interrupted));
  }
  return out;
}

function claimedSqlite(db: SqliteAccess, d: DeliveryRow, interrupted: boolean): ClaimedDelivery {
  const alert =
    d.alertId === null ? undefined : db.get('SELECT * FROM alerts WHERE id = ?', d.alertId);
  const host =
    d.agentId === null ? undefined : db.get('SELECT host FROM agents WHERE id = ?', d.agentId);
  const named = db
    .all(
      `SELECT a.* FROM notify_deliveries d JOIN alerts a ON a.id = d.alert_id
       WHERE d.named_in = ? ORDER BY a.id LIMIT ?`,
      d.id,
      MAX_NAMED,
    )
    .map(toAlert);
  const count = Number(
    db.get('SELECT count(*) AS n FROM notify_deliveries WHERE named_in = ?', d.id)!.n,
  );
  return {
    ...d,
    host: host ? String(host.host) : null,
    alert: alert ? toAlert(alert) : null,
    named,
    namedCount: count,
    interrupted,
  };
}

export function finishSqlite(
  db: SqliteAccess,
  id: number,
  holder: string,
  o: DeliveryOutcome,
): boolean {
  const where = `WHERE id = ? AND state = 'sending' AND claimed_by = ?`;
  if (o.sent)
    return (
      db.run(
        `UPDATE notify_deliveries SET state = 'sent', sent_at = ?, claimed_by = NULL,
           last_error = coalesce(?, last_error), last_detail = coalesce(?, last_detail) ${where}`,
        o.at,
        o.partly?.code ?? null,
        o.partly?.detail ?? null,
        id,
        holder,
      ) === 1
    );
  const giveUp = o.retryAt === null;
  const changed =
    db.run(
      `UPDATE notify_deliveries SET state = ?, next_at = ?, last_error = ?, last_detail = ?, claimed_by = NULL ${where}`,
      giveUp ? 'failed' : 'pending',
      o.retryAt ?? o.at,
      o.code,
      o.detail,
      id,
      holder,
    ) === 1;
  if (changed && giveUp && o.raise) {
    const a = o.raise;
    db.run(
      `INSERT INTO alerts (agent_id, ts, type, severity, seq, data, dedup_key)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agent_id, dedup_key) DO NOTHING`,
      a.agentId,
      a.ts,
      a.type,
      a.severity,
      a.seq,
      JSON.stringify(a.data),
      failedAlertKey(id),
    );
  }
  return changed;
}

export function listDeliveriesSqlite(
  db: SqliteAccess,
  q: { alertId?: number; state?: string; limit: number },
): DeliveryRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.alertId !== undefined) {
    where.push('alert_id = ?');
    params.push(q.alertId);
  }
  if (q.state !== undefined) {
    where.push('state = ?');
    params.push(q.state);
  }
  return db
    .all(
      `SELECT * FROM notify_deliveries${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      ...params,
      Math.max(0, Math.trunc(q.limit)),
    )
    .map(toDelivery);
}
