// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${dataDir} is the policy file's own variable, not a JS template.
// Property tests of the parser (STYLE.md 9): whatever arrives, the answer is a structured
// result, never an exception; and any policy the schema allows survives YAML and JSON intact.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  LEVELS,
  type ParseResult,
  POLICY_ERROR_CODES,
  parsePolicyBytes,
  parsePolicyText,
  policySchema,
  VERDICTS,
} from '../../../src/core/policy/index.js';
import { readText } from './helpers.js';

function assertStructured(r: ParseResult): void {
  if (r.ok) {
    expect(typeof r.policy.version).toBe('number');
    return;
  }
  expect(r.issues.length).toBeGreaterThan(0);
  for (const i of r.issues) {
    expect(POLICY_ERROR_CODES).toContain(i.code);
    expect(i.code).not.toBe('POLICY_INTERNAL');
    expect(Number.isInteger(i.line) && i.line >= 1).toBe(true);
    expect(Number.isInteger(i.col) && i.col >= 1).toBe(true);
    expect(typeof i.path).toBe('string');
  }
}

const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...[
          'version',
          'name',
          'issued',
          'expires',
          'usb',
          'idle',
          'folders',
          'level',
          'path',
          'rules',
          'storage',
        ],
        ...[
          ':',
          ': ',
          '\n',
          '  ',
          '- ',
          '{',
          '}',
          '[',
          ']',
          ',',
          '"',
          "'",
          '&a',
          '*a',
          '!!',
          '#',
          '---',
          '\t',
          '|',
          '>',
        ],
        ...[
          '1',
          '-1',
          '0m',
          '3m',
          'AAA',
          '绝密',
          '${dataDir}',
          '/srv',
          'true',
          'null',
          '~',
          '2026-01-01T00:00:00Z',
          '\r\n',
          '\ufeff',
        ],
      ),
      fc.string({ maxLength: 5 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

const seeds = [
  readText('demo.yaml'),
  readText('examples/finance-office.yaml'),
  readText('examples/branch-office.json'),
];

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: yamlish }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), at: fc.nat(), other: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % text.length;
  const lines = text.split('\n');
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'dupLine': {
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 'swapLines': {
      const i = m.at % lines.length;
      const j = m.other % lines.length;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
  }
}

describe('parser properties', () => {
  it('random YAML-ish text always gives a structured result', () => {
    fc.assert(
      fc.property(yamlish, (text) => assertStructured(parsePolicyText(text))),
      { numRuns: 500 },
    );
  });

  it('random bytes always give a structured result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
        assertStructured(parsePolicyBytes(bytes)),
      ),
      { numRuns: 300 },
    );
  });

  it('random mutations of valid policies always give a structured result', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (seed, ms) => {
          assertStructured(parsePolicyText(ms.reduce(mutate, seed)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('any policy the schema allows parses back to the same object from YAML and from JSON', () => {
    fc.assert(
      fc.property(validPolicy, (input) => {
        const expected = policySchema.parse(input);
        for (const [text, format] of [
          [stringify(input), 'yaml'],
          [JSON.stringify(input, null, 2), 'json'],
        ] as const) {
          const r = parsePolicyText(text);
          if (!r.ok) throw new Error(`${format}: ${JSON.stringify(r.issues)}\n${text}`);
          expect(r.format).toBe(format);
          expect(r.policy).toEqual(expected);
          expect(r.policy.name).toBe(input.name);
          expect(r.policy.version).toBe(input.version);
        }
      }),
      { numRuns: 200 },
    );
  });
});

const duration = fc
  .tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('s', 'm', 'h', 'd'))
  .map(([n, u]) => `${n}${u}`);
const hex4 = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(4, '0'));
const text = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max });
/** A one-line text (the name, the watermark): no controls, separators or bidi overrides. */
const lineText = (max: number) =>
  text(max).filter((s) => !/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\p{Cs}]/u.test(s));
const segment = fc
  .stringMatching(/^[a-zA-Z0-9_\u4e00-\u4e20 .-]{1,12}$/)
  .filter((s) => s !== '.' && s !== '..');
const level = fc.constantFrom(...LEVELS);
const start = Date.UTC(2000, 0, 1);

const validPolicy = fc
  .record(
    {
      version: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      name: lineText(40),
      issued: fc.integer({ min: start, max: Date.UTC(2090, 0, 1) }),
      lifetime: fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }),
      usb: fc.record(
        {
          storage: fc.constantFrom(...VERDICTS),
          rules: fc.array(
            fc.record(
              {
                vendor: hex4,
                product: hex4,
                serial: text(20),
                verdict: fc.constantFrom(...VERDICTS),
                note: text(30),
              },
              { requiredKeys: ['verdict'] },
            ),
            { maxLength: 3 },
          ),
          whileLocked: fc.constantFrom(...VERDICTS),
        },
        { requiredKeys: [] },
      ),
      idle: fc.record(
        { remindAfter: duration, repeat: duration, lockAfter: duration, lock: fc.boolean() },
        { requiredKeys: [] },
      ),
      folders: fc.array(
        fc.record(
          {
            path: fc.oneof(
              fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`),
              segment.map((s) => `\${dataDir}/${s}`),
            ),
            windows: segment.map((s) => `D:\\${s}`),
            level,
            recursive: fc.boolean(),
            ignore: fc.array(text(10), { maxLength: 2 }),
          },
          { requiredKeys: ['path', 'level'] },
        ),
        { maxLength: 3 },
      ),
      alerts: fc.array(
        fc.record(
          {
            match: fc.constantFrom('file.*', 'usb.blocked', '*', 'idle.*ocked'),
            level,
            count: fc.integer({ min: 1, max: 1000 }),
            within: duration,
            severity: fc.constantFrom('info', 'low', 'medium', 'high', 'critical'),
          },
          { requiredKeys: ['match', 'count', 'within', 'severity'] },
        ),
        { maxLength: 2 },
      ),
      sync: fc.record(
        {
          console: fc.constantFrom('https://c.example.com', 'http://localhost:8080'),
          interval: duration,
        },
        { requiredKeys: ['console'] },
      ),
      retention: fc.record(
        {
          days: fc.integer({ min: 1, max: 3650 }),
          maxSize: fc.constantFrom('1GB', '500MB', '3TiB'),
        },
        { requiredKeys: [] },
      ),
      pledge: fc.record({ 'zh-CN': text(50), en: text(50) }),
    },
    { requiredKeys: ['version', 'name', 'issued', 'lifetime'] },
  )
  .map(({ issued, lifetime, ...rest }) => ({
    ...rest,
    issued: new Date(issued).toISOString(),
    expires: new Date(issued + lifetime).toISOString(),
  }));
