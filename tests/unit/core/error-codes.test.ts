// One typed catalogue of error codes (src/core/codes): every code has text in zh-CN and
// English with the same placeholders, and every code the source raises is in the list.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCatalogs } from '../../../src/agent/messages.js';
import { cliCatalogs, cliTranslator } from '../../../src/cli/i18n.js';
import { EXCEPTION_REFUSAL_CODES, POLICY_REJECTION_CODES } from '../../../src/core/codes/index.js';
import { PROTOCOL_ERROR_CODES, SOCKET_ERROR_CODES } from '../../../src/core/codes/protocol.js';
import { BaomiError, ERROR_CODES, type ErrorCode, isErrorCode } from '../../../src/core/errors.js';
import { coreCatalogs, createCoreTranslator } from '../../../src/core/i18n/catalogs.js';
import { mergeCatalogs } from '../../../src/core/i18n/translate.js';
import { LANGS, type Lang } from '../../../src/core/i18n/types.js';
import { policyMessageKey } from '../../../src/core/policy/format.js';
import { policyMessages } from '../../../src/core/policy/messages.js';

const SRC = resolve(import.meta.dirname, '../../../src');
const merged = mergeCatalogs([...agentCatalogs, ...cliCatalogs]);
const placeholders = (s: string) =>
  [...new Set([...s.matchAll(/\{\{\s*([\w-]+)\s*\}\}/g)].map((m) => m[1]!))].sort();

/** The templates a code is shown with: POLICY_* through the policy formatter's keys. */
function templates(lang: Lang, code: ErrorCode): [string, string | undefined][] {
  if (!code.startsWith('POLICY_')) return [[code, merged[lang][code]]];
  const keys = new Set([
    policyMessageKey(code, {}),
    policyMessageKey(code, { suggestion: 'x' }), // POLICY_UNKNOWN_KEY has two sentences
  ]);
  return [...keys].map((k) => [k, policyMessages[lang][k]]);
}

function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

describe('error codes', () => {
  it('are unique, and the runtime list and the type agree', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const c of ERROR_CODES) expect(isErrorCode(c)).toBe(true);
    expect(isErrorCode('TYPO')).toBe(false);
    // @ts-expect-error a code outside the union does not compile (npm run typecheck)
    expect(new BaomiError('TYPO').code).toBe('TYPO');
  });

  it.each(ERROR_CODES)('%s has text in zh-CN and English with the same placeholders', (code) => {
    const en = templates('en', code);
    const zh = templates('zh-CN', code);
    for (const [i, [key, text]] of en.entries()) {
      expect(text?.trim(), `en ${key}`).toBeTruthy();
      const zhText = zh[i]![1];
      expect(zhText?.trim(), `zh-CN ${key}`).toBeTruthy();
      expect(zhText, `zh-CN ${key} is Chinese`).toMatch(/[\u4e00-\u9fff]/);
      expect(placeholders(zhText!), key).toEqual(placeholders(text!));
    }
  });

  it.each(ERROR_CODES)('%s renders fully through the CLI translator in both languages', (code) => {
    for (const lang of LANGS) {
      const params: Record<string, string | number> = { line: 3, col: 7, path: 'a.b' };
      for (const [, text] of templates(lang, code))
        for (const p of placeholders(text ?? '')) params[p] ??= `<${p}>`;
      const out = cliTranslator(lang)(code, params);
      expect(out, `${lang} ${code}`).not.toBe(code);
      expect(out, `${lang} ${code}`).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('include every code the source raises, and every catalogue key that looks like a code', () => {
    const unknown: string[] = [];
    const families = new Set(
      ERROR_CODES.filter((c) => /^[A-Z]/.test(c)).map((c) => c.slice(0, c.indexOf('_') + 1)),
    );
    const codeLike = new RegExp(`['"\`]((?:${[...families].join('|')})[A-Z0-9_]+)['"\`]`, 'g');
    let files = 0;
    for (const file of sourceFiles(SRC)) {
      files++;
      const where = relative(SRC, file);
      const text = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
      for (const m of text.matchAll(/new BaomiError\(\s*['"`]([^'"`]+)['"`]/g))
        if (!isErrorCode(m[1])) unknown.push(`${where}: new BaomiError('${m[1]}')`);
      for (const m of text.matchAll(codeLike))
        if (!isErrorCode(m[1]) && !/_CODES$/.test(m[1]!)) unknown.push(`${where}: '${m[1]}'`);
    }
    for (const lang of LANGS)
      for (const key of Object.keys(merged[lang]))
        if (/^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(key) && !isErrorCode(key))
          unknown.push(`catalogue ${lang}: ${key}`);
    expect(files).toBeGreaterThan(50);
    expect(unknown, 'add these to a list in src/core/codes/ and give them text').toEqual([]);
  });

  it('that cross a process boundary render from core alone (what the tray and console import)', () => {
    const core = mergeCatalogs(coreCatalogs);
    for (const lang of LANGS) {
      const t = createCoreTranslator(lang);
      for (const code of [
        ...PROTOCOL_ERROR_CODES,
        ...SOCKET_ERROR_CODES,
        ...EXCEPTION_REFUSAL_CODES,
      ]) {
        const text = core[lang][code];
        expect(text, `${lang} ${code}`).toBeTruthy();
        const params = Object.fromEntries(placeholders(text!).map((p) => [p, `<${p}>`]));
        expect(t(code, params)).not.toMatch(/\{\{/);
      }
      for (const code of POLICY_REJECTION_CODES)
        for (const [key, text] of templates(lang, code)) {
          const params = Object.fromEntries(placeholders(text!).map((p) => [p, `<${p}>`]));
          if (key === 'policy.unknownKey') params.suggestion = 'x';
          const out = t(code, { ...params, line: 1, col: 1 });
          expect(out, `${lang} ${key}`).not.toMatch(/\{\{|^POLICY_/);
        }
    }
  });
});
