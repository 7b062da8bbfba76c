// The notification methods of the PostgreSQL store (types.ts "Alert notifications"), each run
// by PostgresConsoleStore in one transaction on one client (`q` runs a statement on it).
// Planning takes a transaction-level advisory lock, so two consoles plan one after the other
// (each sees the windows and held deliveries the other wrote); claiming locks the due rows
// with SKIP LOCKED, so two consoles claim different ones. SQLite's twin: notify-sqlite.ts.
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
import { Params } from './sql.js';

export type PgRun = (sql: string, values?: unknown[]) => Promise<Row[]>;

/** Key of the advisory lock planning holds ("notify" in ASCII). */
const PLAN_LOCK = 0x6e6f74696679;

export async function enqueuePostgres(
  q: PgRun,
  now: number,
  routing: NotifyRouting,
  limit: number,
): Promise<EnqueueResult> {
  await q('SELECT pg_advisory_xact_lock($1)', [PLAN_LOCK]);
  const alerts = (
    await q('SELECT * FROM alerts WHERE notify_todo ORDER BY id LIMIT $1', [Math.max(0, limit)])
  ).map(toAlert);
  const plan = planDeliveries({
    now,
    maxAgeMs: routing.maxAgeMs,
    alerts: alerts.map((a) => ({
      id: a.id,
      agentId: a.agentId,
      ts: a.ts,
      routes: routing.route(a),
    })),
    windows: (await q('SELECT rule, agent_key, until FROM notify_quiet')).map((r) => ({
      rule: r.rule,
      agentKey: r.agent_key,
      until: Number(r.until),
    })),
    held: (
      await q("SELECT id, rule, agent_key, channel FROM notify_deliveries WHERE state = 'held'")
    ).map((r) => ({ id: Number(r.id), rule: r.rule, agentKey: r.agent_key, channel: r.channel })),
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
    const [r] = await q(
      `INSERT INTO notify_deliveries
         (alert_id, kind, channel, rule, agent_key, state, created_at, next_at, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
       ON CONFLICT (alert_id, channel) DO NOTHING RETURNING id`,
      [
        d.alertId,
        d.alertId === null ? 'summary' : 'alert',
        d.channel,
        d.rule,
        d.agentKey,
        d.state,
        now,
        d.error,
      ],
    );
    if (!r) continue;
    if (d.alertId === null) out.summaries++;
    else out[d.state]++;
    if (d.names.length > 0)
      await q(
        `UPDATE notify_deliveries SET state = 'named', named_in = $1
         WHERE state = 'held' AND id = ANY($2::bigint[])`,
        [r.id, d.names],
      );
  }
  for (const w of plan.windows)
    await q(
      `INSERT INTO notify_quiet (rule, agent_key, until) VALUES ($1, $2, $3)
       ON CONFLICT (rule, agent_key) DO UPDATE SET until = excluded.until`,
      [w.rule, w.agentKey, w.until],
    );
  // A window that has ended with nothing held is the same as none: the table stays small.
  await q(
    `DELETE FROM notify_quiet q WHERE q.until <= $1 AND NOT EXISTS (
       SELECT 1 FROM notify_deliveries d
       WHERE d.state = 'held' AND d.rule = q.rule AND d.agent_key = q.agent_key)`,
    [now],
  );
  if (alerts.length > 0)
    await q('UPDATE alerts SET notify_todo = false WHERE id = ANY($1::bigint[])', [
      alerts.map((a) => a.id),
    ]);
  return out;
}

export async function claimPostgres(
  q: PgRun,
  holder: string,
  now: number,
  claimMs: number,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const due = await q(
    `SELECT * FROM notify_deliveries
     WHERE state IN ('pending', 'sending') AND next_at <= $1
     ORDER BY next_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, Math.max(0, limit)],
  );
  const out: ClaimedDelivery[] = [];
  for (const d of due) {
    const interrupted = d.state === 'sending';
    const [r] = await q(
      `UPDATE notify_deliveries SET state = 'sending', claimed_by = $1, next_at = $2,
         attempts = attempts + 1,
         last_error = CASE WHEN $3 THEN 'NOTIFY_INTERRUPTED' ELSE last_error END,
         last_detail = CASE WHEN $3 THEN $4 ELSE last_detail END
       WHERE id = $5 AND state = $6 RETURNING *`,
      [
        holder,
        now + claimMs,
        interrupted,
        interruptedDetail(d.claimed_by, Number(d.next_at)),
        d.id,
        d.state,
      ],
    );
    if (r) out.push(await claimedPostgres(q, toDelivery(r), interrupted));
  }
  return out;
}

async function claimedPostgres(
  q: PgRun,
  d: DeliveryRow,
  interrupted: boolean,
): Promise<ClaimedDelivery> {
  const [alert] =
    d.alertId === null ? [] : await q('SELECT * FROM alerts WHERE id = $1', [d.alertId]);
  const [host] =
    d.agentId === null ? [] : await q('SELECT host FROM agents WHERE id = $1', [d.agentId]);
  const named = (
    await q(
      `SELECT a.* FROM notify_deliveries d JOIN alerts a ON a.id = d.alert_id
       WHERE d.named_in = $1 ORDER BY a.id LIMIT $2`,
      [d.id, MAX_NAMED],
    )
  ).map(toAlert);
  const [count] = await q('SELECT count(*) AS n FROM notify_deliveries WHERE named_in = $1', [
    d.id,
  ]);
  return {
    ...d,
    host: host ? String(host.host) : null,
    alert: alert ? toAlert(alert) : null,
    named,
    namedCount: Number(count!.n),
    interrupted,
  };
}

export async function finishPostgres(
  q: PgRun,
  id: number,
  holder: string,
  o: DeliveryOutcome,
): Promise<boolean> {
  const where = `WHERE id = $1 AND state = 'sending' AND claimed_by = $2`;
  if (o.sent)
    return (
      (
        await q(
          `UPDATE notify_deliveries SET state = 'sent', sent_at = $3, claimed_by = NULL,
             last_error = coalesce($4, last_error), last_detail = coalesce($5, last_detail)
           ${where} RETURNING id`,
          [id, holder, o.at, o.partly?.code ?? null, o.partly?.detail ?? null],
        )
      ).length === 1
    );
  const giveUp = o.retryAt === null;
  const changed =
    (
      await q(
        `UPDATE notify_deliveries SET state = $3, next_at = $4, last_error = $5, last_detail = $6,
           claimed_by = NULL ${where} RETURNING id`,
        [id, holder, giveUp ? 'failed' : 'pending', o.retryAt ?? o.at, o.code, o.detail],
      )
    ).length === 1;
  if (changed && giveUp && o.raise) {
    const a = o.raise;
    await q(
      `INSERT INTO alerts (agent_id, ts, type, severity, seq, data, dedup_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (agent_id, dedup_key) DO NOTHING`,
      [a.agentId, a.ts, a.type, a.severity, a.seq, JSON.stringify(a.data), failedAlertKey(id)],
    );
  }
  return changed;
}

export async function listDeliveriesPostgres(
  q: PgRun,
  f: { alertId?: number; state?: string; limit: number },
): Promise<DeliveryRow[]> {
  const p = new Params('postgres');
  const where: string[] = [];
  if (f.alertId !== undefined) where.push(`alert_id = ${p.add(f.alertId)}`);
  if (f.state !== undefined) where.push(`state = ${p.add(f.state)}`);
  const sql = `SELECT * FROM notify_deliveries${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${p.add(Math.max(0, Math.trunc(f.limit)))}`;
  return (await q(sql, p.values)).map(toDelivery);
}
