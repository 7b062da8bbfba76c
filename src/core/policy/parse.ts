// Policy bytes → a validated Policy, or a list of problems each with a stable code and the
// line and column where it is written. Never throws: a policy file is hostile input
// (STYLE.md 9), and every way it can be wrong ends as a structured result.
import { type Document, isAlias, LineCounter, parseDocument, visit, type YAMLError } from 'yaml';
import type * as z from 'zod';
import type { Json } from '../events/types.js';
import { decodePolicyBytes } from './decode.js';
import { allowedKeysAt, formatPath, locate } from './locate.js';
import { policySchema } from './schema.js';
import { nearestKey } from './suggest.js';
import {
  type ParseResult,
  POLICY_ERROR_CODES,
  type PolicyErrorCode,
  type PolicyIssue,
} from './types.js';
import { compareSemver, FIRST_AGENT_VERSION, keysNewerThan, SEMVER } from './versions.js';

/** Aliases are legitimate (reusing an ignore list) but a few hundred are enough. */
export const MAX_ALIAS_COUNT = 100;
const MAX_ISSUES = 50;

export interface ParseOptions {
  /**
   * The version of the agent (or CLI) that reads the policy. With it, a policy whose
   * minAgentVersion is newer is refused for that reason before the schema, whose "unknown key"
   * would hide it. Without it, minAgentVersion is only checked for form.
   */
  agentVersion?: string;
  /** The key table (versions.ts); tests pass another to see warnings before a release needs them. */
  keysSince?: Readonly<Record<string, string>>;
}

export function parsePolicyBytes(bytes: Uint8Array, opts: ParseOptions = {}): ParseResult {
  const decoded = decodePolicyBytes(bytes);
  if (!decoded.ok) return { ok: false, issues: [decoded.issue] };
  return parsePolicyText(decoded.text, opts);
}

/** Text that is already decoded (no BOM). Prefer parsePolicyBytes for files. */
export function parsePolicyText(text: string, opts: ParseOptions = {}): ParseResult {
  try {
    return parseUnsafe(text, opts);
  } catch (e) {
    // A parser bug or a stack overflow on absurd nesting: still a refusal, never a crash.
    return fail([
      issue('POLICY_INTERNAL', 1, 1, '', { detail: String((e as Error)?.message ?? e) }),
    ]);
  }
}

function parseUnsafe(text: string, opts: ParseOptions): ParseResult {
  if (text.trim() === '') return fail([issue('POLICY_EMPTY', 1, 1, '', {})]);
  // JSON is YAML 1.2, but YAML forgives what JSON forbids (trailing commas, comments), so a
  // file that looks like JSON is held to JSON's grammar first.
  const format = /^\s*[{[]/.test(text) ? 'json' : 'yaml';
  let jsonValue: unknown;
  if (format === 'json') {
    try {
      jsonValue = JSON.parse(text);
    } catch (e) {
      const msg = String((e as Error).message);
      const pos = Number(/position (\d+)/.exec(msg)?.[1] ?? 0);
      const { line, col } = positionOfOffset(text, pos);
      return fail([issue('POLICY_JSON_SYNTAX', line, col, '', { detail: msg })]);
    }
  }

  const lc = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lc,
    uniqueKeys: true,
    prettyErrors: false,
    version: '1.2',
    schema: 'core',
    merge: false,
  });
  const syntax = [...doc.errors, ...doc.warnings].map((e) => yamlIssue(e, lc, text));
  if (syntax.length > 0) return fail(syntax);
  const tags = tagIssues(doc, lc);
  if (tags.length > 0) return fail(tags);

  let data: unknown;
  if (format === 'json') data = jsonValue;
  else {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      if (/alias/i.test(String((e as Error)?.message))) return fail([aliasIssue(doc, lc)]);
      throw e;
    }
  }
  if (data === null || data === undefined) return fail([issue('POLICY_EMPTY', 1, 1, '', {})]);

  const min = (data as { minAgentVersion?: unknown }).minAgentVersion;
  const minOk = typeof min === 'string' && SEMVER.test(min);
  if (minOk && opts.agentVersion !== undefined && compareSemver(min, opts.agentVersion) > 0) {
    const at = locate(doc, lc, ['minAgentVersion']);
    return fail([
      issue('POLICY_AGENT_TOO_OLD', at.line, at.col, 'minAgentVersion', {
        required: min,
        running: opts.agentVersion,
      }),
    ]);
  }

  const parsed = policySchema.safeParse(data, { reportInput: true });
  if (parsed.success) {
    const newer = keysNewerThan(data, minOk ? min : FIRST_AGENT_VERSION, opts.keysSince);
    const warnings = newer.map((k) => {
      const at = locate(doc, lc, k.path.slice(0, -1), String(k.path.at(-1)));
      return issue('POLICY_KEY_NEWER_THAN_MIN', at.line, at.col, formatPath(k.path), {
        key: k.key,
        since: k.since,
        min: minOk ? min : FIRST_AGENT_VERSION,
      });
    });
    return { ok: true, policy: parsed.data, format, warnings };
  }
  return fail(parsed.error.issues.flatMap((i) => schemaIssues(i, doc, lc)));
}

/**
 * Where `path` ("folders[2].windows") is written in policy bytes that already parsed, for
 * problems found after the schema (this machine's folders): 1:1 when it cannot be found.
 */
export function locatePolicyPath(bytes: Uint8Array, path: string): { line: number; col: number } {
  const decoded = decodePolicyBytes(bytes);
  if (!decoded.ok) return { line: 1, col: 1 };
  const lc = new LineCounter();
  const doc = parseDocument(decoded.text, { lineCounter: lc, version: '1.2', merge: false });
  const segs = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] === undefined ? m[1]! : Number(m[2]),
  );
  const at = locate(doc, lc, segs);
  return { line: at.line, col: at.col };
}

function fail(issues: PolicyIssue[]): ParseResult {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const k = `${i.code} ${i.path} ${i.line}:${i.col}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  // A missing key is usually explained by another problem (a misspelt key), so it goes last.
  const rank = (i: PolicyIssue) => (i.code === 'POLICY_REQUIRED' ? 1 : 0);
  const sorted = unique.sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.col - b.col);
  return { ok: false, issues: sorted.slice(0, MAX_ISSUES) };
}

function issue(
  code: PolicyErrorCode,
  line: number,
  col: number,
  path: string,
  params: Record<string, Json>,
): PolicyIssue {
  return { code, line, col, path, params };
}

function positionOfOffset(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return { line, col: before.length - before.lastIndexOf('\n') };
}

// Explicit tags beyond plain strings, numbers, booleans, null, maps and lists (e.g. !!binary,
// !!set, custom !tags) would hand the schema values no policy author means to write.
const PLAIN_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

function tagIssues(doc: Document, lc: LineCounter): PolicyIssue[] {
  const found: PolicyIssue[] = [];
  visit(doc, {
    Node(_, node) {
      if (node.tag && !PLAIN_TAGS.has(node.tag)) {
        const { line, col } = node.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 };
        found.push(issue('POLICY_YAML_TAG', line, col, '', { tag: node.tag }));
      }
    },
  });
  return found;
}

function yamlIssue(e: YAMLError, lc: LineCounter, text: string): PolicyIssue {
  const { line, col } = lc.linePos(e.pos[0]);
  if (e.code === 'DUPLICATE_KEY') {
    const rest = text.slice(e.pos[0], e.pos[0] + 200);
    const key = (/^\s*("[^"]*"|'[^']*'|[^:\n]*)/.exec(rest)?.[1] ?? '')
      .replace(/^["']|["']$/g, '')
      .trim();
    return issue('POLICY_DUPLICATE_KEY', line, col, '', { key });
  }
  if (e.code === 'TAG_RESOLVE_FAILED') {
    return issue('POLICY_YAML_TAG', line, col, '', {
      tag: /tag: (\S+)/.exec(e.message)?.[1] ?? '',
    });
  }
  const detail = e.message.split('\n')[0] ?? e.code;
  return issue('POLICY_YAML_SYNTAX', line, col, '', { detail, yamlCode: e.code });
}

function aliasIssue(doc: Document, lc: LineCounter): PolicyIssue {
  let at = { line: 1, col: 1 };
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.range) at = lc.linePos(node.range[0]);
      return visit.BREAK;
    },
  });
  return issue('POLICY_ALIAS', at.line, at.col, '', { max: MAX_ALIAS_COUNT });
}

function scalarParam(v: unknown): Json | undefined {
  if (typeof v === 'string') return v.length > 100 ? `${v.slice(0, 100)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  return undefined;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number' && Number.isInteger(v)) return 'integer';
  return typeof v;
}

function schemaIssues(i: z.core.$ZodIssue, doc: Document, lc: LineCounter): PolicyIssue[] {
  const path = i.path as PropertyKey[];
  if (i.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(policySchema, path);
    return i.keys.map((key) => {
      const at = locate(doc, lc, path, key);
      const suggestion = nearestKey(key, allowed);
      const params: Record<string, Json> = { key, allowed: allowed.join(', ') };
      if (suggestion) params.suggestion = suggestion;
      return issue('POLICY_UNKNOWN_KEY', at.line, at.col, formatPath([...path, key]), params);
    });
  }
  const at = locate(doc, lc, path);
  const p = formatPath(path);
  const value = scalarParam(i.input);
  const withValue = (params: Record<string, Json>) =>
    value === undefined ? params : { ...params, value };
  if ((i.code === 'invalid_type' || i.code === 'invalid_value') && i.input === undefined) {
    return [issue('POLICY_REQUIRED', at.line, at.col, p, { key: String(path.at(-1) ?? '') })];
  }
  // The schema names its codes as zod messages; only listed codes pass (a typo there would
  // otherwise reach people as a code without text). A code given for a type applies to every
  // check of that value in zod, but "wrong type" or "non-empty text" would mislead about a
  // number out of range or a text too long: those say their limit (TOO_SMALL / TOO_BIG).
  const sizeIssue = i.code === 'too_small' || i.code === 'too_big';
  const generic =
    i.message === 'POLICY_TYPE' || (i.message === 'POLICY_TEXT' && i.code === 'too_big');
  if ((POLICY_ERROR_CODES as readonly string[]).includes(i.message) && !(sizeIssue && generic)) {
    const params: Record<string, Json> = withValue({});
    if (i.code === 'custom' && i.params) Object.assign(params, i.params);
    if (i.code === 'invalid_type') {
      Object.assign(params, { expected: i.expected, received: typeName(i.input) });
    }
    if (i.code === 'too_big' && typeof i.input === 'string') {
      Object.assign(params, { length: i.input.length, max: Number(i.maximum) });
    }
    return [issue(i.message as PolicyErrorCode, at.line, at.col, p, params)];
  }
  switch (i.code) {
    case 'invalid_type':
      return [
        issue('POLICY_TYPE', at.line, at.col, p, {
          expected: i.expected,
          received: typeName(i.input),
        }),
      ];
    case 'invalid_value':
      return [
        issue(
          'POLICY_ENUM',
          at.line,
          at.col,
          p,
          withValue({ allowed: i.values.map(String).join(', ') }),
        ),
      ];
    case 'too_small':
      return [
        issue('POLICY_TOO_SMALL', at.line, at.col, p, withValue({ limit: Number(i.minimum) })),
      ];
    case 'too_big':
      return [issue('POLICY_TOO_BIG', at.line, at.col, p, withValue({ limit: Number(i.maximum) }))];
    default:
      return [issue('POLICY_INVALID', at.line, at.col, p, withValue({ detail: i.message }))];
  }
}
