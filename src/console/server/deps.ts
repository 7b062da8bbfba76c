// What every route of the console needs, built once by app.ts.
import type { KeyObject } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ConsoleConfig } from '../../core/console/config/index.js';
import type { Json } from '../../core/events/types.js';
import type { AgentIdentity } from '../auth/agent.js';
import type { AuditInput, ConsoleStore, StaffUser } from '../store/types.js';
import type { LoadMeter } from './backpressure.js';
import type { LastSeenBuffer } from './last-seen.js';
import type { ConsoleMetrics } from './metrics.js';
import type { PolicyCache } from './policy-cache.js';

export interface RateLimits {
  /** Requests per minute from one address to the staff API and /enroll. */
  perIp: number;
  /** POST /login per minute from one address (the per-name throttle is in the store). */
  loginPerIp: number;
  /** POST /sync per minute from one address before authentication (many agents share a NAT). */
  syncPerIp: number;
  /** POST /sync per minute per authenticated agent. */
  syncPerAgent: number;
}

export interface Deps {
  store: ConsoleStore;
  /** The configuration file's content (DEFAULT_CONSOLE_CONFIG without --config). */
  config: ConsoleConfig;
  /** This process among several on one database: holds leases (lease-loop.ts). */
  instanceId: string;
  now: () => number;
  exceptionKey: { privateKey: KeyObject; publicKeyPem: string };
  syncIntervalMs: number;
  /** Cookies carry `Secure` (the console is served over TLS). */
  secureCookies: boolean;
  lastSeen: LastSeenBuffer;
  /** The policy of each group, kept a few seconds (policy-cache.ts). */
  policies: PolicyCache;
  load: LoadMeter;
  /** Prometheus metrics of this app (GET /metrics); `store` above is measured by it. */
  metrics: ConsoleMetrics;
  limits: RateLimits;
  /** The audit row of a staff (or agent) action, to hand to the store method that makes the
   *  change (one transaction: store/types.ts); actor defaults to the authenticated staff. */
  auditRow(
    req: FastifyRequest,
    action: string,
    target: string,
    details?: { [k: string]: Json },
    actor?: string,
  ): AuditInput;
  /** Appends an audit row alone: only for what changes nothing else (login, login.failed). */
  audit(
    req: FastifyRequest,
    action: string,
    target: string,
    details?: { [k: string]: Json },
    actor?: string,
  ): Promise<void>;
}

export interface StaffAuth {
  user: StaffUser;
  via: 'session' | 'token';
  /** Session only: the stored hash of its cookie, its CSRF token and its end. */
  sessionHash?: string;
  expiresAt?: number;
  /** Token only: its id. */
  tokenId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact body bytes (agent signatures cover them). */
    rawBody: Buffer | null;
    staff: StaffAuth | null;
    /** The agent a sync request is signed by (auth/agent.ts: what never changes about it). */
    agentRow: AgentIdentity | null;
  }
}
