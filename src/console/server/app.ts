// The console's HTTP server (issue 11 §1): a table of contents. Fastify with its own pino
// logger (secrets redacted), JSON only, a body limit, Ajv schemas on every staff route (zod
// for /enroll and /sync, shared with the agent), one error handler (errors.ts), rate limits,
// and the routes of core/console/api.ts. Timers: the last-seen flush (last-seen.ts) and the
// silent-agent check; both stop, and the buffer is flushed, when the server closes. The check
// flags nobody during SILENT_INTERVALS intervals plus the agent's longest back-off after the
// process starts: a fleet that found the console away (an outage, maintenance) comes back over
// up to 15 minutes (MAX_BACKOFF_MS), and 10,000 agent.silent alerts for the console's own
// absence would bury the real ones (bench/fleet.mjs raised them before this).
//
// Several console processes on one database (issue 12 point 2; tests/e2e/console/
// two-consoles.test.ts runs two). What a process keeps in its memory, and why each is safe
// when another process serves the same fleet and staff:
// - Sessions, API tokens, login failures (the per-name throttle, auth/throttle.ts), nonces,
//   enrollment-token uses, the audit head, leases: rows in the database, none in memory. A
//   staff login on one console works on every other; a nonce used on one is a replay on all.
// - Rate limits (@fastify/rate-limit) are counted per process: with N processes behind a
//   balancer a client gets at most N times the limit. That is still a bound (one noisy client
//   or agent cannot take a process's capacity), and nothing breaks when a process restarts.
// - The last-seen buffer (last-seen.ts): each process flushes its own every FLUSH_MS, and the
//   store keeps the newest time per agent whatever the order of the flushes. A crash loses at
//   most FLUSH_MS of last-seen times, which the agent's next sync restores. Another process's
//   silent check may run before this one's flush: it can only call an agent silent whose
//   previous request is SILENT_INTERVALS intervals old, i.e. one that was silent.
// - The policy cache (policy-cache.ts): a group's policy choice for POLICY_CACHE_MS; a policy
//   uploaded through another process is offered within that, plus the agent's interval.
// - Known agents (auth/agent.ts AgentKeys): each agent's parsed public key, group and
//   revocation, by agent id. Key and group never change after enrollment; a revocation made
//   through another process is seen in the round's own transaction (syncRound refuses a
//   revoked agent under its row lock), and kept here from then on, since it is final.
// - The load meter (backpressure.ts): this process's own event-loop lag, which is what it
//   measures; each process stretches the intervals it hands out by its own load.
// - The start time of the silent-agent grace (below): per process; another process that
//   stayed up keeps checking meanwhile.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { type ConsoleConfig, DEFAULT_CONSOLE_CONFIG } from '../../core/console/config/index.js';
import { MAX_BACKOFF_MS } from '../../core/sync/agent-wire.js';
import { MAX_BODY_BYTES } from '../../core/sync/wire.js';
import type { ConsoleStore } from '../store/types.js';
import { LoadMeter } from './backpressure.js';
import type { Deps, RateLimits } from './deps.js';
import { ApiError, sendError } from './errors.js';
import { FLUSH_MS, LastSeenBuffer } from './last-seen.js';
import { ConsoleMetrics } from './metrics.js';
import { PolicyCache } from './policy-cache.js';
import { agentRoutes } from './routes/agents.js';
import { auditRoutes } from './routes/audit.js';
import { caseRoutes } from './routes/cases.js';
import { enrollmentRoutes } from './routes/enrollment.js';
import { eventRoutes } from './routes/events.js';
import { eventExportRoutes } from './routes/events-export.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { overviewRoutes } from './routes/overview.js';
import { peopleRoutes } from './routes/people.js';
import { policyRoutes } from './routes/policies.js';
import { reportRoutes } from './routes/reports.js';
import { requestRoutes } from './routes/requests.js';
import { sessionRoutes } from './routes/session.js';
import { syncRoutes } from './routes/sync.js';
import { SILENT_INTERVALS } from './views.js';
import { CONTENT_SECURITY_POLICY, DEFAULT_WEB_DIR, webRoutes } from './web.js';
import { buildWorkers, type ConsoleWorker } from './workers.js';

/** After a start, how long before any agent may be flagged silent (see the header). */
export function silentGraceMs(syncIntervalMs: number): number {
  return SILENT_INTERVALS * syncIntervalMs + MAX_BACKOFF_MS;
}

export const DEFAULT_LIMITS: RateLimits = {
  perIp: 600,
  loginPerIp: 30,
  syncPerIp: 10_000,
  // Normal is one per interval; a backlog drains faster (the agent decides, bounded here).
  syncPerAgent: 120,
};

/** Never logged: cookies, credentials, CSRF tokens, signatures, passwords, secrets. */
export const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'req.headers["x-baomi-signature"]',
  'res.headers["set-cookie"]',
  'password',
  'passwordHash',
  'token',
  'csrfToken',
  'signature',
  'exceptionSecret',
  'privateKey',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.csrfToken',
  '*.signature',
  '*.exceptionSecret',
  '*.privateKey',
];

export interface ConsoleOptions {
  store: ConsoleStore;
  /** The configuration file (default: DEFAULT_CONSOLE_CONFIG: no sink, no channel, kept). */
  config?: ConsoleConfig;
  exceptionKey: Deps['exceptionKey'];
  syncIntervalMs: number;
  now?: () => number;
  log?: { level?: string; stream?: NodeJS.WritableStream };
  https?: { cert: string | Buffer; key: string | Buffer };
  /** Default: when https is given. */
  secureCookies?: boolean;
  limits?: Partial<RateLimits>;
  /** Run the flush and silent-check timers (default true; tests call them by hand). */
  timers?: boolean;
  /** Run the background workers (workers.ts; default: as timers). */
  workers?: boolean;
  /** The built web UI (web.ts; default DEFAULT_WEB_DIR). */
  webDir?: string;
}

/** What tests and the CLI reach beside the routes. */
export interface ConsoleHandle {
  deps: Deps;
  /** Writes the last-seen buffer now. */
  flushLastSeen(): Promise<void>;
  /** Flags agents silent for SILENT_INTERVALS intervals (and raises their alerts); nobody
   *  within silentGraceMs of the start. */
  checkSilent(): Promise<void>;
  /** The background workers (started with the timers unless `workers: false`). */
  workers: ConsoleWorker[];
}

declare module 'fastify' {
  interface FastifyInstance {
    baomi: ConsoleHandle;
  }
}

export function buildConsole(o: ConsoleOptions): FastifyInstance {
  const app = Fastify({
    logger: {
      level: o.log?.level ?? 'info',
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { module: 'console' },
      ...(o.log?.stream ? { stream: o.log.stream } : {}),
    },
    ...(o.https ? { https: { cert: o.https.cert, key: o.https.key } } : {}),
    bodyLimit: MAX_BODY_BYTES,
    // A path parameter may be a person's name as a workstation reported it (people.ts: up
    // to 512 characters); Fastify's default (100) would answer 414 for a long one. (Under
    // routerOptions: the top-level option is deprecated and warned of once per app.)
    routerOptions: { maxParamLength: 2048 },
    // A slow client cannot hold a connection forever (slowloris); 4 MiB over a slow link fits.
    requestTimeout: 120_000,
    trustProxy: false,
    // One line per answer instead (onResponse below): info for 4xx, debug for the rest.
    logController: new LogController({ disableRequestLogging: true }),
    // Unknown keys are refused (a typo must not be ignored silently); no type is coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } },
  }) as unknown as FastifyInstance;

  const now = o.now ?? Date.now;
  // Every store call of the routes and timers is timed (metrics.ts: database latency, ingest).
  const metrics = new ConsoleMetrics(o.store, {
    now,
    onlineWindowMs: () => SILENT_INTERVALS * o.syncIntervalMs,
    log: app.log,
  });
  const store = metrics.store;
  const limits: RateLimits = { ...DEFAULT_LIMITS, ...o.limits };
  const load = new LoadMeter();
  const lastSeen = new LastSeenBuffer(store, app.log);
  const deps: Deps = {
    store,
    config: o.config ?? DEFAULT_CONSOLE_CONFIG,
    instanceId: `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`,
    now,
    exceptionKey: o.exceptionKey,
    syncIntervalMs: o.syncIntervalMs,
    secureCookies: o.secureCookies ?? Boolean(o.https),
    lastSeen,
    policies: new PolicyCache(store, now),
    load,
    metrics,
    limits,
    auditRow(req, action, target, details = {}, actor) {
      return {
        ts: now(),
        actor: actor ?? req.staff?.user.name ?? 'anonymous',
        action,
        ip: req.ip,
        target,
        details,
      };
    },
    async audit(req, action, target, details = {}, actor) {
      await store.appendAudit(deps.auditRow(req, action, target, details, actor));
    },
  };
  const startedAt = now();
  const checkSilent = async () => {
    await lastSeen.flush();
    const t = now();
    if (t - startedAt < silentGraceMs(o.syncIntervalMs)) return;
    const alerts = await store.flagSilent(t - SILENT_INTERVALS * o.syncIntervalMs, t);
    for (const a of alerts) app.log.warn({ agent: a.agentId, alert: a.type }, 'agent silent');
  };
  const workers = buildWorkers(deps, app.log);
  app.decorate('baomi', { deps, flushLastSeen: () => lastSeen.flush(), checkSilent, workers });
  app.decorateRequest('rawBody', null);
  app.decorateRequest('staff', null);
  app.decorateRequest('agentRow', null);

  // JSON only; the raw bytes are kept because an agent's signature covers them.
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    req.rawBody = body as Buffer;
    if ((body as Buffer).length === 0) done(null, undefined);
    // secure-json-parse (Fastify's, refusing __proto__ keys) reads a Buffer as UTF-8.
    else parseJson(req, body as unknown as string, done);
  });

  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) =>
    sendError(
      new ApiError('CONSOLE_NO_ROUTE', {
        method: req.method,
        path: req.url.split('?')[0]!.slice(0, 200),
      }),
      req,
      reply,
    ),
  );

  app.addHook('onRequest', async (_req, reply) => {
    load.inFlight++;
    reply.raw.once('close', () => load.inFlight--);
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    // The web UI's files say how long they may be kept (web.ts); everything else: never.
    if (!reply.getHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.observeRequest(req.routeOptions.url, req.method, reply.statusCode, reply.elapsedTime);
    const line = {
      method: req.method,
      url: req.routeOptions.url ?? 'unknown',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (reply.statusCode >= 500) req.log.error(line, 'answered');
    else if (reply.statusCode >= 400) req.log.info(line, 'answered');
    else req.log.debug(line, 'answered');
  });

  const timers: NodeJS.Timeout[] = [];
  app.addHook('onReady', async () => {
    if (o.workers ?? o.timers !== false) for (const w of workers) w.start();
    if (o.timers === false) return;
    load.start();
    timers.push(setInterval(() => void lastSeen.flush(), FLUSH_MS).unref());
    timers.push(
      setInterval(() => {
        checkSilent().catch((err: unknown) => app.log.error({ err }, 'silent-agent check failed'));
      }, o.syncIntervalMs).unref(),
    );
  });
  app.addHook('onClose', async () => {
    for (const t of timers) clearInterval(t);
    await Promise.all(workers.map((w) => w.stop()));
    load.stop();
    await lastSeen.flush();
  });

  app.register(cookie);
  app.register(rateLimit, {
    global: true,
    max: limits.perIp,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, ctx) =>
      new ApiError('CONSOLE_RATE_LIMITED', { seconds: Math.ceil(ctx.ttl / 1000) }, ctx.ttl),
  });
  app.register(async (api) => {
    healthRoutes(api, deps);
    sessionRoutes(api, deps);
    enrollmentRoutes(api, deps);
    syncRoutes(api, deps);
    agentRoutes(api, deps);
    eventRoutes(api, deps);
    eventExportRoutes(api, deps);
    overviewRoutes(api, deps);
    reportRoutes(api, deps);
    requestRoutes(api, deps);
    caseRoutes(api, deps);
    policyRoutes(api, deps);
    auditRoutes(api, deps);
    metricsRoutes(api, deps);
    peopleRoutes(api, deps);
  });
  app.register(async (web) => webRoutes(web, o.webDir ?? DEFAULT_WEB_DIR));
  return app;
}
