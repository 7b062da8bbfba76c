// `baomi usb list --rule`: the line IT pastes must parse back, through the policy schema, into
// a rule for exactly that device, whatever the device says its serial is.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePolicyText } from '../../../src/core/policy/index.js';
import type { UsbRule } from '../../../src/core/policy/types.js';
import { decide } from '../../../src/core/usb/decide.js';
import { ruleFor, yamlQuote } from '../../../src/core/usb/rule-text.js';
import { ctx, stick, usb } from './helpers.js';

const HEAD =
  'version: 1\nname: x\nissued: 2026-01-01T00:00:00Z\nexpires: 2099-01-01T00:00:00Z\nminAgentVersion: "0.2.0"\n';

/** The line pasted under `usb: rules:` of a real policy, through the real parser. */
function pasted(line: string): UsbRule {
  const r = parsePolicyText(`${HEAD}usb:\n  storage: block\n  rules:\n    ${line}\n`, {
    agentVersion: '0.2.0',
  });
  if (!r.ok) throw new Error(`${line}\n${JSON.stringify(r.issues)}`);
  expect(r.policy.usb.rules).toHaveLength(1);
  return r.policy.usb.rules[0]!;
}

const HOSTILE = [
  'a"b',
  "it's",
  'back\\slash',
  'new\nline',
  'cr\rlf',
  'tab\there',
  'nul\u0000byte',
  '#comment',
  'x # not a comment',
  '}, verdict: allow, x: {',
  '", verdict: allow, note: "',
  '- item',
  '&anchor *alias',
  '!!binary',
  '{ a: b }',
  '[1, 2]',
  ': colon',
  '%TAG',
  '@at`tick',
  ' leading and trailing ',
  'null',
  '~',
  'true',
  '0x1F',
  '1e3',
  '序列号',
  'Ünïcødé',
  'emoji😀',
  'rtl\u202Eexe.txt',
  'zero\u200Bwidth',
  'bom\uFEFF',
  'line\u2028sep',
  'nel\u0085',
  'del\u007F',
  'c1\u009B',
  'lone\uD800surrogate',
  'lone\uDFFFlow',
  'nonchar\uFFFE\uFFFF',
  '\u00AD soft hyphen',
];

describe('yamlQuote', () => {
  it.each(HOSTILE)('%j parses back to itself, on one line', (s) => {
    const q = yamlQuote(s);
    expect(q).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
    expect(parse(`k: ${q}`, { version: '1.2' }).k).toBe(s);
  });

  it('any string round-trips', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(parse(`[${yamlQuote(s)}]`, { version: '1.2' })[0]).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ruleFor', () => {
  it('ids and serial, with a note', () => {
    const line = ruleFor(stick(), 'allow', '财务部加密U盘 1号');
    expect(line).toBe(
      '- { vendor: "0781", product: "5581", serial: "4C530001231120115142", verdict: allow, note: "财务部加密U盘 1号" }',
    );
    expect(pasted(line!)).toEqual({
      vendor: '0781',
      product: '5581',
      serial: '4C530001231120115142',
      verdict: 'allow',
      note: '财务部加密U盘 1号',
    });
  });

  it('lowercases ids; no note, no note key', () => {
    const line = ruleFor(stick({ vendor: '0A5C', product: 'BEEF' }), 'read-only')!;
    expect(line).toBe(
      '- { vendor: "0a5c", product: "beef", serial: "4C530001231120115142", verdict: read-only }',
    );
    expect(ruleFor(stick(), 'block', '')).not.toMatch(/note/);
  });

  it('the hash when there is no serial (or one the schema cannot hold)', () => {
    for (const serial of [undefined, '', 'x'.repeat(257)]) {
      const line = ruleFor(stick({ serial, hash: 'A'.repeat(64) }), 'allow')!;
      expect(line).toBe(
        `- { vendor: "0781", product: "5581", hash: "${'a'.repeat(64)}", verdict: allow }`,
      );
      expect(pasted(line).hash).toBe('a'.repeat(64));
    }
    expect(pasted(ruleFor(stick({ serial: 'x'.repeat(256) }), 'allow')!).serial).toBe(
      'x'.repeat(256),
    );
  });

  it('with neither, the ids alone, and a comment that says how broad that is', () => {
    const line = ruleFor(stick({ serial: undefined, hash: undefined }), 'allow')!;
    expect(line).toBe(
      '- { vendor: "0781", product: "5581", verdict: allow }  # no serial, no hash: every 0781:5581',
    );
    expect(pasted(line)).toEqual({ vendor: '0781', product: '5581', verdict: 'allow' });
    // A hash that is not one is not used.
    expect(ruleFor(stick({ serial: undefined, hash: 'xyz' }), 'allow')).toMatch(/# no serial/);
  });

  it('unreadable ids: the hash alone, or no rule at all', () => {
    const line = ruleFor(stick({ vendor: '78', hash: 'b'.repeat(64) }), 'allow')!;
    expect(line).toBe(`- { hash: "${'b'.repeat(64)}", verdict: allow }`);
    expect(pasted(line)).toEqual({ hash: 'b'.repeat(64), verdict: 'allow' });
    expect(ruleFor(stick({ product: 'zzzz', hash: undefined }), 'allow')).toBeNull();
    // A serial without ids would name any device with that serial: the hash instead.
    expect(ruleFor(stick({ vendor: 'bad!' }), 'allow')).toBe(
      `- { hash: "${'a'.repeat(64)}", verdict: allow }`,
    );
  });

  it.each(HOSTILE)('a device whose serial is %j gets a rule for exactly that device', (serial) => {
    const line = ruleFor(stick({ serial }), 'allow', serial)!;
    expect(line.split('\n')).toHaveLength(1);
    const rule = pasted(line);
    expect(rule).toEqual({
      vendor: '0781',
      product: '5581',
      serial,
      verdict: 'allow',
      note: serial,
    });
    // And the policy it makes allows that stick, and not one with another serial.
    const p = usb({ rules: [rule] });
    expect(decide(stick({ serial }), p, ctx()).rule).toMatchObject({ by: 'rule', index: 0 });
    expect(decide(stick({ serial: `${serial}x` }), p, ctx()).verdict).toBe('block');
  });

  it('a note is cut to the schema limit without splitting a character', () => {
    const rule = pasted(ruleFor(stick(), 'allow', '😀'.repeat(300))!);
    expect(rule.note).toBe('😀'.repeat(250));
    expect(pasted(ruleFor(stick(), 'allow', `${'a'.repeat(499)}😀`)!).note).toBe('a'.repeat(499));
    expect(pasted(ruleFor(stick(), 'allow', 'n'.repeat(500))!).note).toBe('n'.repeat(500));
  });

  it('round-trips any serial and note (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
        fc.constantFrom('allow', 'block', 'read-only', 'audit' as const),
        (serial, note, verdict) => {
          const rule = pasted(ruleFor(stick({ serial }), verdict, note)!);
          expect(rule).toEqual({ vendor: '0781', product: '5581', serial, verdict, note });
        },
      ),
      { numRuns: 300 },
    );
  });
});
