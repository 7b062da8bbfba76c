// Staff sessions and API tokens: POST /login, /logout, /logout-all, GET /me, POST /tokens.
import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { LoginResponse, Me } from '../../../core/console/api.js';
import { verifyDummy, verifyPassword } from '../../auth/password.js';
import { API_TOKEN_PREFIX, randomSecret, sha256Hex } from '../../auth/secrets.js';
import { requireStaff, SESSION_COOKIE, SESSION_MS } from '../../auth/staff.js';
import { loginWait } from '../../auth/throttle.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { S } from '../schemas.js';

const DAY_MS = 86_400_000;
export const TOKEN_DAYS_DEFAULT = 90;
export const TOKEN_DAYS_MAX = 365;

export function sessionRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: deps.secureCookies,
    path: '/',
  };

  app.post<{ Body: { name: string; password: string } }>(
    '/api/v1/login',
    {
      schema: S.body({ name: S.name, password: S.text(1024) }, ['name', 'password']),
      config: { rateLimit: { max: deps.limits.loginPerIp, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const { name, password } = req.body;
      const now = deps.now();
      const wait = await loginWait(store, name, now);
      if (wait > 0) {
        req.log.warn({ name }, 'login throttled');
        throw new ApiError('CONSOLE_LOGIN_THROTTLED', { seconds: Math.ceil(wait / 1000) }, wait);
      }
      const user = await store.userByName(name);
      const ok =
        user && !user.disabled
          ? await verifyPassword(password, user.passwordHash)
          : await verifyDummy(password);
      if (!ok || !user) {
        await store.recordLoginFailure(name, req.ip, now);
        const reason = !user ? 'unknown-name' : user.disabled ? 'disabled' : 'password';
        await deps.audit(req, 'login.failed', name, { reason }, name);
        throw new ApiError('CONSOLE_LOGIN_FAILED');
      }
      await store.clearLoginFailures(name);
      const cookie = randomSecret();
      const csrfToken = randomSecret();
      const expiresAt = now + SESSION_MS;
      await store.createSession({
        idHash: sha256Hex(cookie),
        userId: user.id,
        csrfToken,
        createdAt: now,
        expiresAt,
        ip: req.ip,
      });
      await deps.audit(req, 'login', user.name, { via: 'session', expiresAt }, user.name);
      reply.setCookie(SESSION_COOKIE, cookie, { ...cookieOptions, maxAge: SESSION_MS / 1000 });
      const answer: LoginResponse = {
        name: user.name,
        role: user.role,
        via: 'session',
        expiresAt,
        csrfToken,
      };
      return answer;
    },
  );

  app.post(
    '/api/v1/logout',
    { schema: S.noBody, preValidation: requireStaff(deps, 'any') },
    async (req, reply) => {
      const staff = req.staff!;
      if (staff.sessionHash) await store.deleteSession(staff.sessionHash);
      // A token that logs out is ended: a script's credential stops working.
      if (staff.tokenId) await store.revokeApiToken(staff.tokenId, deps.now());
      await deps.audit(req, 'logout', staff.user.name, { via: staff.via });
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return { ok: true };
    },
  );

  app.post(
    '/api/v1/logout-all',
    { schema: S.noBody, preValidation: requireStaff(deps, 'any') },
    async (req, reply) => {
      const staff = req.staff!;
      const sessions = await store.deleteUserSessions(staff.user.id);
      await deps.audit(req, 'logout.all', staff.user.name, { sessions });
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return { ok: true, sessions };
    },
  );

  app.get(
    '/api/v1/me',
    { schema: S.query({}), preValidation: requireStaff(deps, 'any') },
    async (req) => {
      const staff = req.staff!;
      const me: Me = {
        name: staff.user.name,
        role: staff.user.role,
        via: staff.via,
        ...(staff.expiresAt === undefined ? {} : { expiresAt: staff.expiresAt }),
        // The session's CSRF token, so a page opened after the login (another tab, a reload)
        // can make changes: readable only by a script of this origin (no CORS), like the
        // login's answer.
        ...('csrfToken' in staff && typeof staff.csrfToken === 'string'
          ? { csrfToken: staff.csrfToken }
          : {}),
      };
      return me;
    },
  );

  app.post<{ Body: { name: string; days?: number } }>(
    '/api/v1/tokens',
    {
      schema: S.body({ name: S.text(100), days: S.int(1, TOKEN_DAYS_MAX) }, ['name']),
      preValidation: requireStaff(deps, 'any'),
    },
    async (req) => {
      const staff = req.staff!;
      const now = deps.now();
      const token = `${API_TOKEN_PREFIX}${randomSecret()}`;
      const id = uuidv7();
      const expiresAt = now + (req.body.days ?? TOKEN_DAYS_DEFAULT) * DAY_MS;
      await store.createApiToken(
        {
          id,
          userId: staff.user.id,
          name: req.body.name,
          tokenHash: sha256Hex(token),
          createdAt: now,
          expiresAt,
          revokedAt: null,
        },
        deps.auditRow(req, 'token.created', id, { name: req.body.name, expiresAt }),
      );
      return { id, token, expiresAt };
    },
  );
}
