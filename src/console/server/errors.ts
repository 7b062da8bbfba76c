// One way the console answers a failure: a WireError {error: CODE, message, retryInMs?} with
// the right 4xx, in the language of the request (Accept-Language: zh… → zh-CN, else English).
// Never a stack trace, never a database message: an unexpected error is logged here with its
// stack and answered 500 CONSOLE_INTERNAL with a generic sentence.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleApiCode } from '../../core/codes/index.js';
import { BaomiError, isBaomiError } from '../../core/errors.js';
import type { Json } from '../../core/events/types.js';
import { createCoreTranslator } from '../../core/i18n/catalogs.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { Lang } from '../../core/i18n/types.js';
import { MAX_BODY_BYTES, type WireError } from '../../core/sync/wire.js';

/** The HTTP status of each code the API answers with (core/console/api.ts "Errors"). */
export const API_STATUS: Record<ConsoleApiCode, number> = {
  CONSOLE_INTERNAL: 500,
  CONSOLE_DB_UNAVAILABLE: 503,
  CONSOLE_BAD_JSON: 400,
  CONSOLE_BAD_CONTENT_TYPE: 415,
  CONSOLE_BODY_TOO_LARGE: 413,
  CONSOLE_BAD_REQUEST: 400,
  CONSOLE_NO_ROUTE: 404,
  CONSOLE_NOT_FOUND: 404,
  CONSOLE_RATE_LIMITED: 429,
  CONSOLE_BUSY: 503,
  CONSOLE_AUTH_REQUIRED: 401,
  CONSOLE_LOGIN_FAILED: 401,
  CONSOLE_LOGIN_THROTTLED: 429,
  CONSOLE_FORBIDDEN: 403,
  CONSOLE_CSRF: 403,
  CONSOLE_ALREADY_DECIDED: 409,
  CONSOLE_ALERT_BAD_TRANSITION: 409,
  CONSOLE_ALERT_IN_CASE: 409,
  CONSOLE_CASE_BAD_TRANSITION: 409,
  CONSOLE_CASE_NEEDS_SEVERITY: 400,
  CONSOLE_CASE_NEEDS_OUTCOME: 400,
  CONSOLE_CASE_CLOSED: 409,
  CONSOLE_CASE_ALERT_TAKEN: 409,
  CONSOLE_GROUP_DIFFERS: 409,
  CONSOLE_GROUP_BUSY: 409,
  CONSOLE_REQUEST_NO_USER: 400,
  CONSOLE_REQUEST_AGENT_REVOKED: 409,
  CONSOLE_REQUEST_UNSIGNABLE: 400,
  CONSOLE_POLICY_INVALID: 400,
  CONSOLE_POLICY_BAD_BASE64: 400,
  CONSOLE_POLICY_SIG_MALFORMED: 400,
  CONSOLE_POLICY_BAD_TARGET: 400,
  ENROLL_TOKEN_INVALID: 401,
  ENROLL_BAD_KEY: 400,
  SYNC_BAD_HEADERS: 401,
  SYNC_CLOCK_SKEW: 401,
  SYNC_AGENT_UNKNOWN: 401,
  SYNC_BAD_SIGNATURE: 401,
  SYNC_REPLAY: 409,
  AGENT_REVOKED: 403,
};

/** When to retry after the database went away (an agent backs off further on its own). */
export const DB_RETRY_MS = 5000;

/** An expected failure of one request: a code of the API, its params, and what else to send. */
export class ApiError extends BaomiError {
  constructor(
    readonly apiCode: ConsoleApiCode,
    params: Record<string, Json> = {},
    readonly retryInMs?: number,
    /** Extra fields of the answer (the policy's problems). */
    readonly extra: Record<string, Json> = {},
  ) {
    super(apiCode, params, 1);
    this.name = 'ApiError';
  }

  get status(): number {
    return API_STATUS[this.apiCode];
  }
}

const translators = new Map<Lang, Translate>();
export function translator(lang: Lang): Translate {
  let t = translators.get(lang);
  if (!t) {
    t = createCoreTranslator(lang);
    translators.set(lang, t);
  }
  return t;
}

/** The person's language from Accept-Language: Chinese when it comes first, else English. */
export function requestLang(req: Pick<FastifyRequest, 'headers'>): Lang {
  const h = req.headers['accept-language'];
  const first = (Array.isArray(h) ? h[0] : h)?.split(',')[0]?.trim() ?? '';
  return /^zh\b/i.test(first) ? 'zh-CN' : 'en';
}

/**
 * Database errors that mean "away, try later" rather than "bug": the store's own code, and
 * what a driver throws when the connection is gone (node-postgres forwards socket errors and
 * the server's admin-shutdown / connection-failure SQLSTATEs; SQLite answers BUSY).
 */
export function isDbUnavailable(e: unknown): boolean {
  if (isBaomiError(e)) return (e.code as string) === 'CONSOLE_DB_UNAVAILABLE';
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)$/.test(code) ||
    /^(57P0[1-3]|08\d{3}|53300)$/.test(code) ||
    /^SQLITE_(BUSY|LOCKED)/.test(code)
  );
}

interface Answer {
  status: number;
  body: WireError & Record<string, Json>;
}

/** Maps any error to the answer; logs what is not an expected failure. */
export function toAnswer(err: unknown, req: FastifyRequest, log: FastifyRequest['log']): Answer {
  const t = translator(requestLang(req));
  const wire = (
    code: ConsoleApiCode,
    params: Record<string, Json> = {},
    retryInMs?: number,
    extra: Record<string, Json> = {},
  ): Answer => ({
    status: API_STATUS[code],
    body: {
      ...extra,
      error: code,
      // CONSOLE_NOT_FOUND names the kind of thing in the person's language.
      message: t(
        code,
        typeof params.what === 'string'
          ? { ...params, what: t(`console.what.${params.what}`) }
          : params,
      ),
      ...(retryInMs === undefined ? {} : { retryInMs }),
    },
  });

  if (err instanceof ApiError) return wire(err.apiCode, err.params, err.retryInMs, err.extra);
  if (isDbUnavailable(err)) {
    log.warn({ err }, 'database unavailable');
    // The reason (a driver's message) stays in the log: the engine is all a client needs.
    const engine =
      isBaomiError(err) && typeof err.params.engine === 'string' ? err.params.engine : 'SQL';
    return wire('CONSOLE_DB_UNAVAILABLE', { engine, seconds: DB_RETRY_MS / 1000 }, DB_RETRY_MS);
  }
  // The agent was revoked (or removed) between its signature check and its ingest: the same
  // answer the check would have given a moment later, never a 500.
  if (isBaomiError(err) && err.code === 'CONSOLE_DB_AGENT_REVOKED')
    return wire('AGENT_REVOKED', { at: new Date().toISOString() });
  if (isBaomiError(err) && err.code === 'CONSOLE_DB_UNKNOWN_AGENT')
    return wire('SYNC_AGENT_UNKNOWN');
  if (isBaomiError(err)) {
    // A refusal from core (EXCEPTION_* while signing an approval): the request's input is at
    // fault. Anything else with a code is the server's own failure, said in words.
    const status = err.code.startsWith('EXCEPTION_') ? 400 : 500;
    if (status === 500) log.error({ err }, 'request failed');
    return { status, body: { error: err.code, message: t(err.code, err.params) } };
  }
  const fe = err as Partial<FastifyError> & { validation?: unknown };
  if (fe?.validation) {
    // Ajv says "must NOT have additional properties" without naming it: name it (a typo).
    const extra = (fe.validation as { params?: { additionalProperty?: unknown } }[])
      .map((v) => v.params?.additionalProperty)
      .find((p) => typeof p === 'string');
    const detail = extra === undefined ? String(fe.message) : `${fe.message} ("${extra}")`;
    return wire('CONSOLE_BAD_REQUEST', { detail: detail.slice(0, 300) });
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return wire('CONSOLE_BAD_CONTENT_TYPE');
      return wire('CONSOLE_BAD_REQUEST', { detail: 'Content-Length' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return wire('CONSOLE_BODY_TOO_LARGE', { max: MAX_BODY_BYTES });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return wire('CONSOLE_BAD_JSON');
  }
  // secure-json-parse refuses __proto__ / constructor keys with a SyntaxError.
  if (err instanceof SyntaxError) return wire('CONSOLE_BAD_JSON');
  // Fastify's own 4xx (a bad URL, a bad header): its message says what, and holds no internals.
  const status = fe?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && fe.code?.startsWith('FST_')) {
    const a = wire('CONSOLE_BAD_REQUEST', { detail: String(fe.message) });
    return { ...a, status };
  }
  log.error({ err }, 'request failed');
  return wire('CONSOLE_INTERNAL');
}

export function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toAnswer(err, req, req.log);
  if (body.retryInMs !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(body.retryInMs / 1000))));
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
