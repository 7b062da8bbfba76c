// The console's Prometheus metrics (issue 12 point 5), served at GET /metrics
// (routes/metrics.ts). One prom-client Registry per console app, never the global one, so
// two apps in one process (tests, a bench) count apart; the process's own metrics (CPU,
// memory, event loop, GC: prom-client's defaults) are one per process and are added to every
// app's answer.
//
// What it measures and where:
// - HTTP: requests by route PATTERN (`/api/v1/agents/:id`, never the URL: ids would make a
//   series each), method and status; duration by route and method. A request no route took
//   is `route="unmatched"`, a method outside the known ones `OTHER`: the label sets are
//   bounded by the routes the code declares.
// - Ingest: events stored, duplicates, batches and alerts raised, counted from the result of
//   store.ingest and store.syncRound through the measuring proxy below.
// - Database: every store call's duration by method (the interface's names: bounded) and
//   outcome (ok | error), through the same proxy.
// - Fleet: agents by state and the sync backlog (sum of the heartbeats' eventsWaiting), read
//   with one aggregate query (store.fleetSummary) at most every FLEET_CACHE_MS however often
//   Prometheus scrapes; a failed read keeps the last figures, is logged and counted, and the
//   age of the figures is a gauge. They are the whole fleet's as the database holds them:
//   every console process on one database reports the same numbers (aggregate with max(),
//   not sum()); last-seen times reach the database within the buffer's flush (last-seen.ts).
import type { FastifyBaseLogger } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ConsoleStore, FleetSummary, IngestResult, SyncRoundResult } from '../store/types.js';

/** The fleet's figures are read from the database at most this often. */
export const FLEET_CACHE_MS = 15_000;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Seconds: a sync answers in milliseconds, an export may take minutes. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];
const DB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

let processRegistry: Registry | undefined;
/** prom-client's default metrics, collected once per process (they watch GC and the event
 *  loop with observers that are never removed: one set, however many apps). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface MetricsOptions {
  now: () => number;
  /** An agent seen within this long is online (SILENT_INTERVALS × the sync interval). */
  onlineWindowMs: () => number;
  log: FastifyBaseLogger;
}

export class ConsoleMetrics {
  readonly registry = new Registry();
  /** The store every route and timer uses: the one given, measured (measure()). */
  readonly store: ConsoleStore;
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly duration: Histogram<'route' | 'method'>;
  private readonly events: Counter;
  private readonly duplicates: Counter;
  private readonly batches: Counter;
  private readonly alerts: Counter<'type'>;
  private readonly db: Histogram<'method' | 'outcome'>;
  private readonly agents: Gauge<'state'>;
  private readonly enrolled: Gauge;
  private readonly backlog: Gauge;
  private readonly fleetAge: Gauge;
  private readonly fleetFailures: Counter;
  private fleetAt = Number.NEGATIVE_INFINITY;
  private fleetRead: Promise<void> | null = null;

  constructor(
    store: ConsoleStore,
    private readonly o: MetricsOptions,
  ) {
    this.store = this.measure(store);
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'baomi_console_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'baomi_console_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route pattern and method.',
      labelNames: ['route', 'method'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.events = new Counter({
      name: 'baomi_console_events_ingested_total',
      help: 'Events stored by ingest (new ones; a duplicate is not counted here).',
      registers,
    });
    this.duplicates = new Counter({
      name: 'baomi_console_events_duplicate_total',
      help: 'Events sent again that were stored already (retries).',
      registers,
    });
    this.batches = new Counter({
      name: 'baomi_console_ingest_batches_total',
      help: 'Batches ingested (one per successful sync request).',
      registers,
    });
    this.alerts = new Counter({
      name: 'baomi_console_ingest_alerts_total',
      help: 'Alerts raised by ingest, by type (sync.gap, sync.chain-broken, alert.raised).',
      labelNames: ['type'],
      registers,
    });
    this.db = new Histogram({
      name: 'baomi_console_db_call_duration_seconds',
      help: 'Time of each datastore call, by store method and outcome (ok or error).',
      labelNames: ['method', 'outcome'],
      buckets: DB_BUCKETS,
      registers,
    });
    this.agents = new Gauge({
      name: 'baomi_console_agents',
      help: 'Agents by state: online (seen recently), silent, never (enrolled, never synced), revoked.',
      labelNames: ['state'],
      registers,
    });
    this.enrolled = new Gauge({
      name: 'baomi_console_agents_enrolled',
      help: 'Agents enrolled and not revoked.',
      registers,
    });
    this.backlog = new Gauge({
      name: 'baomi_console_sync_backlog_events',
      help: 'Events waiting on the agents to be sent (sum of the last heartbeats’ eventsWaiting).',
      registers,
    });
    this.fleetAge = new Gauge({
      name: 'baomi_console_fleet_figures_age_seconds',
      help: 'How old the fleet figures (agents, backlog) are; they are read at most every 15 s.',
      registers,
    });
    this.fleetFailures = new Counter({
      name: 'baomi_console_fleet_read_failures_total',
      help: 'Reads of the fleet figures that failed (the last figures were kept).',
      registers,
    });
  }

  /** One answered request (app.ts onResponse). */
  observeRequest(route: string | undefined, method: string, status: number, ms: number): void {
    const r = route ?? 'unmatched';
    const m = METHODS.has(method) ? method : 'OTHER';
    this.requests.inc({ route: r, method: m, status: String(status) });
    this.duration.observe({ route: r, method: m }, ms / 1000);
  }

  /**
   * The store, measured: every method's call is timed into the database histogram (by its
   * name, which the interface bounds), and ingest's result is counted. Everything else about
   * the store is unchanged (same object underneath, same `this`).
   */
  private measure(store: ConsoleStore): ConsoleStore {
    const wrapped = new Map<PropertyKey, { fn: unknown; timed: unknown }>();
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || typeof prop !== 'string') return v;
        // Keyed by the function too: a method replaced on the store (a test's stand-in) is
        // measured as it is now, not as it was at the first call.
        let w = wrapped.get(prop);
        if (!w || w.fn !== v) {
          w = { fn: v, timed: this.timed(prop, v as (...a: unknown[]) => unknown, target) };
          wrapped.set(prop, w);
        }
        return w.timed;
      },
    });
  }

  private timed(name: string, fn: (...a: unknown[]) => unknown, target: ConsoleStore) {
    return (...args: unknown[]) => {
      const end = this.db.startTimer({ method: name });
      let out: unknown;
      try {
        out = fn.apply(target, args);
      } catch (e) {
        end({ outcome: 'error' });
        throw e;
      }
      if (!(out instanceof Promise)) {
        end({ outcome: 'ok' });
        return out;
      }
      return out.then(
        (v) => {
          end({ outcome: 'ok' });
          if (name === 'ingest') this.ingested(v as IngestResult);
          // The sync route stores through syncRound (one transaction a request); a round's
          // own ingest runs inside the store, not through this proxy, so nothing counts twice.
          else if (name === 'syncRound' && !(v as SyncRoundResult).replay)
            this.ingested((v as Extract<SyncRoundResult, { replay: false }>).ingest);
          return v;
        },
        (e: unknown) => {
          end({ outcome: 'error' });
          throw e;
        },
      );
    };
  }

  private ingested(r: IngestResult): void {
    this.batches.inc();
    if (r.stored > 0) this.events.inc(r.stored);
    if (r.duplicates > 0) this.duplicates.inc(r.duplicates);
    for (const a of r.alerts) this.alerts.inc({ type: a.type });
  }

  /** Reads the fleet figures when they are older than FLEET_CACHE_MS (one read at a time). */
  private async fleet(): Promise<void> {
    const now = this.o.now();
    if (now - this.fleetAt < FLEET_CACHE_MS) return;
    this.fleetRead ??= (async () => {
      try {
        this.setFleet(await this.store.fleetSummary(now - this.o.onlineWindowMs()));
        this.fleetAt = now;
      } catch (err) {
        this.fleetFailures.inc();
        this.o.log.warn(
          { err },
          'metrics: reading the fleet figures failed; the last ones are kept',
        );
      } finally {
        this.fleetRead = null;
      }
    })();
    await this.fleetRead;
  }

  private setFleet(f: FleetSummary): void {
    this.enrolled.set(f.enrolled);
    this.agents.set({ state: 'online' }, f.online);
    this.agents.set({ state: 'silent' }, f.silent);
    this.agents.set({ state: 'never' }, f.never);
    this.agents.set({ state: 'revoked' }, f.revoked);
    this.backlog.set(f.eventsWaiting);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition: this app's metrics, then the process's. */
  async render(): Promise<string> {
    await this.fleet();
    if (Number.isFinite(this.fleetAt)) this.fleetAge.set((this.o.now() - this.fleetAt) / 1000);
    return `${await this.registry.metrics()}\n${await processMetrics().metrics()}`;
  }
}
