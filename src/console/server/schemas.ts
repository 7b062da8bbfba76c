// JSON-schema pieces for the staff routes (Fastify validates with Ajv before a handler runs;
// app.ts turns unknown keys into a 400, not a silent strip, and coerces no type: `"name": 5`
// is a 400, not the name "5"). Query strings are text, so their numbers are checked as text
// here and converted by `queryInt`. /enroll and /sync are validated with the zod schemas of
// core/sync/wire.ts, which the agent shares.
import { ApiError } from './errors.js';

/** No control characters but tab and line feed (a terminal or a log would obey them). */
const PLAIN = '^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f]*$';
const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

type Schema = Record<string, unknown>;

export const S = {
  text: (max: number, min = 1): Schema => ({
    type: 'string',
    minLength: min,
    maxLength: max,
    pattern: PLAIN,
  }),
  name: { type: 'string', minLength: 1, maxLength: 128, pattern: PLAIN } as Schema,
  int: (minimum: number, maximum: number): Schema => ({ type: 'integer', minimum, maximum }),
  /** A whole number in a query string (converted and bounded by queryInt). */
  qint: { type: 'string', pattern: '^[0-9]{1,16}$' } as Schema,
  /** A query parameter that may be repeated (?type=a&type=b) or given once. */
  repeatable: (item: Schema, maxItems: number): Schema => ({
    anyOf: [item, { type: 'array', items: item, maxItems }],
  }),
  uuid: { type: 'string', pattern: UUID } as Schema,
  enumOf: (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] }),
  object: (properties: Record<string, Schema>, required: string[] = []): Schema => ({
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  }),
  /** A JSON body: every key declared, unknown keys refused. */
  body(properties: Record<string, Schema>, required: string[] = []) {
    return { body: S.object(properties, required) };
  },
  query(properties: Record<string, Schema>) {
    return { querystring: S.object(properties) };
  },
  /** `:id` in the path. */
  idParam(pattern: 'uuid' | 'any' = 'uuid') {
    return {
      params: S.object({ id: pattern === 'uuid' ? S.uuid : S.text(200) }, ['id']),
    };
  },
  /** A state-changing route without a body: no query either (the path says everything). */
  noBody: { querystring: { type: 'object', additionalProperties: false } } as Schema,
};

/** A query-string number (S.qint) within [min, max], or undefined when absent; else 400. */
export function queryInt(
  name: string,
  v: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new ApiError('CONSOLE_BAD_REQUEST', {
      detail: `querystring/${name} must be a whole number from ${min} to ${max}`,
    });
  return n;
}

/** A repeatable query parameter (S.repeatable) as a list: ?k=a&k=b and ?k=a,b alike, empty
 *  items dropped; undefined when none is left. */
export function queryList(v: string | string[] | undefined): string[] | undefined {
  const items = (typeof v === 'string' ? [v] : v)?.flatMap((t) => t.split(',')).filter((t) => t);
  return items?.length ? items : undefined;
}
