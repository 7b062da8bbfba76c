// GET /healthz: {ok, db} — 200 when the database answers, 503 when it does not (a load
// balancer takes this process out). Not rate limited: a balancer polls it.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.js';
import { DB_RETRY_MS } from '../errors.js';

const PING_TIMEOUT_MS = 2000;

export function healthRoutes(app: FastifyInstance, deps: Deps): void {
  app.get('/healthz', { config: { rateLimit: false } }, async (req, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([deps.store.ping(), timeout]);
      return { ok: true, db: 'ok', engine: deps.store.engine };
    } catch (err) {
      req.log.warn({ err }, 'healthz: database unavailable');
      reply.header('retry-after', String(DB_RETRY_MS / 1000));
      return reply.code(503).send({ ok: false, db: 'unavailable', engine: deps.store.engine });
    } finally {
      clearTimeout(timer);
    }
  });
}
