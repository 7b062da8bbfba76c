// policies/policy.schema.json is generated from the zod schema (scripts/gen-schema.mjs), so
// editors with yaml-language-server check the same rules the agent does. A unit test fails
// when the committed file drifts from this output.
import * as z from 'zod';
import { policySchema } from './schema.js';

export const POLICY_SCHEMA_ID = 'https://baomi.invalid/policy.schema.json';

export function policyJsonSchema(): Record<string, unknown> {
  // draft-07: the dialect yaml-language-server and VS Code support best. io "input": the
  // file's side of every transform (durations as "3m", not milliseconds); defaulted keys are
  // optional.
  const generated = z.toJSONSchema(policySchema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'throw',
  });
  const { $schema, ...rest } = generated as Record<string, unknown>;
  return { $schema, $id: POLICY_SCHEMA_ID, ...rest };
}
