// Policies staff distribute (issue 11 §6): POST /policies (admin) takes the signed policy
// file's bytes (base64) and its .sig text for a target (a group, a department or a personnel
// class). The console reads the policy with the core parser (the one `baomi policy validate`
// uses) to refuse what every agent would refuse and to learn its name and version. It does
// not check the signature against any key: it holds none, and agents verify against their
// own pinned keys (a compromised console cannot push an unsigned or downgraded policy). It
// refuses a signature that is not even of the right form, so such a mistake shows here.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Json } from '../../../core/events/types.js';
import { createCoreTranslator } from '../../../core/i18n/catalogs.js';
import { MAX_POLICY_BYTES } from '../../../core/policy/decode.js';
import { policyTimeProblem } from '../../../core/policy/judge.js';
import { locatePolicyPath, parsePolicyBytes } from '../../../core/policy/parse.js';
import type { PolicyIssue } from '../../../core/policy/types.js';
import { requireStaff } from '../../auth/staff.js';
import type { PolicyRow } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { ApiError, requestLang } from '../errors.js';
import { S } from '../schemas.js';
import { policyView } from '../views.js';
import { PERSONNEL_CLASSES } from './enrollment.js';

/** Canonical base64 of at most MAX_POLICY_BYTES. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** The .sig text: base64 of a 64-byte Ed25519 signature (core/policy/signature.ts). */
const SIG = /^[A-Za-z0-9+/]{86}==$/;

type Target = PolicyRow['target'];

/** etag = hex SHA-256 of (bytes || 0x00 || signature text), as the brief fixes it. */
export function policyEtag(bytes: Uint8Array, signature: string): string {
  return createHash('sha256')
    .update(bytes)
    .update(Buffer.from([0]))
    .update(signature, 'utf8')
    .digest('hex');
}

export function policyRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  app.get(
    '/api/v1/policies',
    { schema: S.query({}), preValidation: requireStaff(deps, 'any') },
    async () => ({
      policies: (await store.listPolicies()).map(policyView),
    }),
  );

  app.get(
    '/api/v1/policies/versions',
    { schema: S.query({}), preValidation: requireStaff(deps, 'any') },
    async () => ({ versions: await store.policyVersions() }),
  );

  app.post<{ Body: { target: Target; policy: string; signature: string } }>(
    '/api/v1/policies',
    {
      schema: S.body(
        {
          target: S.object(
            { kind: S.enumOf(['group', 'department', 'class']), value: S.text(100) },
            ['kind', 'value'],
          ),
          policy: { type: 'string', minLength: 1, maxLength: Math.ceil(MAX_POLICY_BYTES / 3) * 4 },
          signature: { type: 'string', minLength: 1, maxLength: 200 },
        },
        ['target', 'policy', 'signature'],
      ),
      preValidation: requireStaff(deps, ['admin']),
    },
    async (req) => {
      const { target, policy: b64 } = req.body;
      if (
        target.kind === 'class' &&
        !(PERSONNEL_CLASSES as readonly string[]).includes(target.value)
      )
        throw new ApiError('CONSOLE_POLICY_BAD_TARGET', { value: target.value });
      if (!BASE64.test(b64)) throw new ApiError('CONSOLE_POLICY_BAD_BASE64');
      const bytes = Buffer.from(b64, 'base64');
      const signature = req.body.signature.trim();
      if (!SIG.test(signature)) throw new ApiError('CONSOLE_POLICY_SIG_MALFORMED');

      const now = deps.now();
      const parsed = parsePolicyBytes(bytes);
      const issues: PolicyIssue[] = parsed.ok ? [] : parsed.issues;
      if (parsed.ok) {
        // A policy every agent would refuse today (expired, or issued in the future) would
        // be judged once by each agent and never offered again: refuse it here instead.
        const time = policyTimeProblem(parsed.policy, now);
        if (time)
          issues.push({
            code: time.code,
            ...locatePolicyPath(bytes, time.key),
            path: time.key,
            params: time.params,
          });
      }
      if (!parsed.ok || issues.length > 0) {
        const t = createCoreTranslator(requestLang(req));
        const problems = issues.map((i) => ({
          code: i.code,
          line: i.line,
          col: i.col,
          path: i.path,
          message: t(i.code, { ...i.params, line: i.line, col: i.col, path: i.path }),
        }));
        throw new ApiError(
          'CONSOLE_POLICY_INVALID',
          { count: problems.length, problem: problems[0]?.message ?? '' },
          undefined,
          { problems: problems as unknown as Json },
        );
      }
      const { name, version } = parsed.policy;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      // The policy and its audit row are one transaction.
      const row = await store.addPolicy(
        {
          target,
          name,
          version,
          sha256,
          bytes,
          signature,
          etag: policyEtag(bytes, signature),
          uploadedBy: req.staff!.user.name,
          uploadedAt: now,
        },
        (stored) =>
          deps.auditRow(req, 'policy.uploaded', `${target.kind}:${target.value}`, {
            id: stored.id,
            name,
            version,
            sha256,
          }),
      );
      // Offered from the next sync through this process; through the others within
      // POLICY_CACHE_MS (policy-cache.ts).
      deps.policies.invalidate();
      return policyView(row);
    },
  );
}
