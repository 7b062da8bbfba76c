// Enrollment (issue 11 §3): staff make enrollment tokens (admin); an agent trades one for its
// id, the console's exception key and the secret its short exception codes derive from. The
// agent made its own Ed25519 key pair and sends only the public half, so the console never
// holds anything that would let it (or a copy of its database) post as the agent.
import { createPublicKey } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { type EnrollResponse, enrollRequest } from '../../../core/sync/wire.js';
import { ENROLL_TOKEN_PREFIX, randomSecret, sha256Hex } from '../../auth/secrets.js';
import { requireStaff } from '../../auth/staff.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { S } from '../schemas.js';
import { enrollTokenView } from '../views.js';
import { zodDetail } from '../zod-detail.js';

export const PERSONNEL_CLASSES = ['核心', '重要', '一般'] as const;
export const ENROLL_USES_MAX = 10_000;
export const ENROLL_HOURS_DEFAULT = 24;
export const ENROLL_HOURS_MAX = 90 * 24;

interface NewToken {
  group: string;
  uses?: number;
  hours?: number;
  department?: string;
  personnelClass?: (typeof PERSONNEL_CLASSES)[number];
  /** Required to change an existing group's department or class (it moves its agents). */
  regroup?: boolean;
}

export function enrollmentRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;
  const admin = requireStaff(deps, ['admin']);

  app.get('/api/v1/enrollment-tokens', { schema: S.query({}), preValidation: admin }, async () => ({
    tokens: (await store.listEnrollTokens()).map(enrollTokenView),
  }));

  app.post<{ Body: NewToken }>(
    '/api/v1/enrollment-tokens',
    {
      schema: S.body(
        {
          group: S.text(100),
          uses: S.int(1, ENROLL_USES_MAX),
          hours: S.int(1, ENROLL_HOURS_MAX),
          department: S.text(100),
          personnelClass: S.enumOf(PERSONNEL_CLASSES),
          regroup: { type: 'boolean' },
        },
        ['group'],
      ),
      preValidation: admin,
    },
    async (req) => {
      const b = req.body;
      const now = deps.now();
      const token = `${ENROLL_TOKEN_PREFIX}${randomSecret()}`;
      const id = uuidv7();
      const usesLeft = b.uses ?? 1;
      const expiresAt = now + (b.hours ?? ENROLL_HOURS_DEFAULT) * 3600_000;
      // The group carries the department and class (DESIGN.md "Console storage"); a token
      // that names neither keeps what the group already has. The store sets the group only
      // while it still reads what was decided on here: another request that changed it in
      // between makes this one read and decide again (a few times, then 409).
      for (let attempt = 1; ; attempt++) {
        const had = await store.group(b.group);
        const department = b.department ?? had?.department ?? null;
        const personnelClass = b.personnelClass ?? had?.personnelClass ?? null;
        // Changing an existing group moves every agent already in it to other policies and
        // report rows: never as a side effect of a token, only when asked for (and audited).
        const before =
          had !== null && (department !== had.department || personnelClass !== had.personnelClass)
            ? { department: had.department, personnelClass: had.personnelClass }
            : null;
        // Changed under this request three times over: said as such, not looped on.
        if (attempt > 3) throw new ApiError('CONSOLE_GROUP_BUSY', { group: b.group });
        if (before && b.regroup !== true)
          throw new ApiError('CONSOLE_GROUP_DIFFERS', {
            group: b.group,
            department: had?.department ?? '',
            personnelClass: had?.personnelClass ?? '',
            newDepartment: department ?? '',
            newPersonnelClass: personnelClass ?? '',
          });
        const stored = await store.createEnrollToken(
          {
            id,
            tokenHash: sha256Hex(token),
            group: b.group,
            usesLeft,
            expiresAt,
            createdBy: req.staff!.user.name,
            createdAt: now,
            revokedAt: null,
          },
          deps.auditRow(req, 'enroll.token-created', id, {
            group: b.group,
            uses: usesLeft,
            expiresAt,
            department,
            personnelClass,
            ...(before ? { before } : {}),
          }),
          { set: { name: b.group, department, personnelClass }, expected: had },
        );
        if (!stored) continue;
        // A group's department or class decides which policies it gets (policy-cache.ts).
        deps.policies.invalidate();
        return {
          id,
          token,
          group: b.group,
          usesLeft,
          expiresAt,
          department,
          personnelClass,
          ...(before ? { before } : {}),
        };
      }
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/enrollment-tokens/:id',
    { schema: { ...S.idParam(), ...S.noBody }, preValidation: admin },
    async (req) => {
      const id = req.params.id;
      const audit = deps.auditRow(req, 'enroll.token-revoked', id);
      if (await store.revokeEnrollToken(id, deps.now(), audit)) return { ok: true };
      // Revoked before: the same outcome, said as such (no second audit row); else unknown.
      const known = (await store.listEnrollTokens()).find((t) => t.id === id);
      if (known?.revokedAt != null) return { ok: true, alreadyRevokedAt: known.revokedAt };
      throw new ApiError('CONSOLE_NOT_FOUND', { what: 'enrollToken', id });
    },
  );

  app.post('/api/v1/enroll', { schema: { body: { type: 'object' } } }, async (req) => {
    const parsed = enrollRequest.safeParse(req.body);
    if (!parsed.success)
      throw new ApiError('CONSOLE_BAD_REQUEST', { detail: zodDetail(parsed.error) });
    const r = parsed.data;
    // The key first: a malformed request must not use up one of the token's uses.
    const publicKey = ed25519Spki(r.publicKey);
    if (!publicKey) throw new ApiError('ENROLL_BAD_KEY');
    const now = deps.now();
    const id = uuidv7();
    const exceptionSecret = randomSecret();
    // One transaction: the token's use, the agent and its audit row (nothing of it, or all).
    const enrolled = await store.enrollAgent(
      sha256Hex(r.token),
      { id, publicKey, exceptionSecret, host: r.host, os: r.os, enrolledAt: now },
      (token) =>
        deps.auditRow(
          req,
          'agent.enrolled',
          id,
          {
            host: r.host,
            os: r.os,
            group: token.group,
            agentVersion: r.agentVersion,
            token: token.id,
          },
          `agent:${id}`,
        ),
    );
    if (!enrolled) throw new ApiError('ENROLL_TOKEN_INVALID');
    const { agent } = enrolled;
    const answer: EnrollResponse = {
      agentId: agent.id,
      group: agent.group,
      exceptionSecret,
      exceptionKey: deps.exceptionKey.publicKeyPem,
    };
    return answer;
  });
}

/** The key re-exported as SPKI PEM when `pem` is an Ed25519 public key (not a private one). */
export function ed25519Spki(pem: string): string | null {
  const text = pem.trim();
  if (!/^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----$/.test(text))
    return null;
  try {
    const key = createPublicKey({ key: text, format: 'pem', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return null;
    return key.export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return null;
  }
}
