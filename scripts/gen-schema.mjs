#!/usr/bin/env node
// Writes policies/policy.schema.json from the zod schema in src/core/policy/schema.ts.
// Run after `npm run build`:  node scripts/gen-schema.mjs
// tests/unit/policy/json-schema.test.ts fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { policyJsonSchema } from '../dist/core/policy/json-schema.js';

const out = fileURLToPath(new URL('../policies/policy.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
