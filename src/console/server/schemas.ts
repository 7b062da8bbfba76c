// JSON-schema pieces for the staff routes (Fastify validates with Ajv before a handler runs;
// app.ts turns unknown keys into a 400, not a silent strip). /enroll and /sync are validated
// with the zod schemas of core/sync/wire.ts, which the agent shares.

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
