// Who is asking on the staff API (core/console/api.ts): a session cookie `baomi_session`
// (plus `x-csrf-token` on every state-changing request) or `Authorization: Bearer bmt_…`.
// The cookie and the token are 256-bit random values the store keeps only as SHA-256, so a
// copy of the database lets no one in. Then the role: admin everything; analyst alerts and
// exception requests; auditor reads only (and the audit trail).
//
// SECURITY: every route declares its roles through `requireStaff` (its preValidation hook: a
// caller is authenticated before its input is even validated); a route without it is open
// (only /healthz, /login, /enroll and /sync, which authenticate otherwise). The CSRF check
// applies to every method but GET/HEAD with a cookie; a Bearer token is never sent by a
// browser on its own, so it needs none.
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../server/deps.js';
import { ApiError } from '../server/errors.js';
import type { Role } from '../store/types.js';
import { API_TOKEN_PREFIX, sameSecret, sha256Hex } from './secrets.js';

export const SESSION_COOKIE = 'baomi_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_MS = 12 * 3600_000;

export type Need = readonly Role[] | 'any';

const BEARER = /^Bearer ([A-Za-z0-9_-]{4,200})$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A hook: authenticates the caller and checks the role, else throws 401/403. */
export function requireStaff(deps: Deps, need: Need) {
  return async (req: FastifyRequest): Promise<void> => {
    const staff = await authenticate(deps, req);
    if (need !== 'any' && !need.includes(staff.user.role))
      throw new ApiError('CONSOLE_FORBIDDEN', { role: staff.user.role, need: need.join(' | ') });
    req.staff = staff;
  };
}

async function authenticate(deps: Deps, req: FastifyRequest) {
  const now = deps.now();
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = BEARER.exec(header);
    if (!m?.[1]?.startsWith(API_TOKEN_PREFIX)) throw new ApiError('CONSOLE_AUTH_REQUIRED');
    const token = await deps.store.apiTokenByHash(sha256Hex(m[1]), now);
    if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= now))
      throw new ApiError('CONSOLE_AUTH_REQUIRED');
    const user = await deps.store.userById(token.userId);
    if (!user || user.disabled) throw new ApiError('CONSOLE_AUTH_REQUIRED');
    return { user, via: 'token' as const, tokenId: token.id };
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) throw new ApiError('CONSOLE_AUTH_REQUIRED');
  const sessionHash = sha256Hex(cookie);
  const session = await deps.store.sessionByHash(sessionHash, now);
  if (!session || session.expiresAt <= now) throw new ApiError('CONSOLE_AUTH_REQUIRED');
  const user = await deps.store.userById(session.userId);
  if (!user || user.disabled) throw new ApiError('CONSOLE_AUTH_REQUIRED');
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken))
      throw new ApiError('CONSOLE_CSRF');
  }
  return {
    user,
    via: 'session' as const,
    sessionHash,
    expiresAt: session.expiresAt,
    csrfToken: session.csrfToken,
  };
}
