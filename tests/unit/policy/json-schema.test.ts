import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { policyJsonSchema } from '../../../src/core/policy/index.js';
import { list, read, readText } from './helpers.js';
import { validate } from './mini-json-schema.js';

const committed = JSON.parse(readText('policy.schema.json')) as Record<string, unknown>;

function load(rel: string): unknown {
  const text = read(rel)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return rel.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

const valid = [
  'demo.yaml',
  ...list('examples')
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => `examples/${f}`),
];

describe('policies/policy.schema.json', () => {
  it('equals what the zod schema generates (run `npm run build && node scripts/gen-schema.mjs`)', () => {
    expect(committed).toEqual(policyJsonSchema());
  });

  it('has the editor-facing metadata', () => {
    expect(committed.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(committed.title).toMatch(/Baomi/);
    expect(committed.required).toEqual(['version', 'name', 'issued', 'expires']);
    expect(committed.additionalProperties).toBe(false);
  });

  it.each(valid)('%s validates against it', (rel) => {
    expect(validate(committed, load(rel))).toEqual([]);
  });

  it.each([
    ['bad/unknown-key-typo.yaml', 'additional property'],
    ['bad/bad-level.yaml', 'not in enum'],
    ['bad/zero-duration.yaml', 'pattern'],
    ['bad/unquoted-usb-id.yaml', 'expected string'],
    ['bad/missing-version.yaml', 'required'],
    ['bad/relative-folder.yaml', 'pattern'],
  ])('editors flag %s too', (rel, expected) => {
    expect(validate(committed, load(rel)).join('\n')).toContain(expected);
  });
});
