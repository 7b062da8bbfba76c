// Every user-facing string exists in zh-CN and English, with the same placeholders.
import { describe, expect, it } from 'vitest';
import { agentCatalogs } from '../../../src/agent/messages.js';
import { cliCatalogs } from '../../../src/cli/i18n.js';
import { createTranslator } from '../../../src/core/i18n/translate.js';
import { pickLang } from '../../../src/core/i18n/types.js';
import { trayMessages } from '../../../src/main/messages.js';

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  const all = [...agentCatalogs, ...cliCatalogs, trayMessages];
  it('have the same keys in both languages', () => {
    for (const c of all) expect(Object.keys(c['zh-CN']).sort()).toEqual(Object.keys(c.en).sort());
  });
  it('use the same placeholders in both languages', () => {
    for (const c of all)
      for (const [k, en] of Object.entries(c.en))
        expect(placeholders(c['zh-CN'][k]!), k).toEqual(placeholders(en));
  });
  it('never define one key twice across modules', () => {
    const seen = new Map<string, number>();
    all.forEach((c, i) => {
      for (const k of Object.keys(c.en)) {
        expect(seen.has(k), `${k} in catalogues ${seen.get(k)} and ${i}`).toBe(false);
        seen.set(k, i);
      }
    });
  });
  it('translate with interpolation and fall back to English', () => {
    const zh = createTranslator('zh-CN', [
      { en: { a: 'A {{x}}', b: 'only en' }, 'zh-CN': { a: '甲 {{x}}' } },
    ]);
    expect(zh('a', { x: '<1>' })).toBe('甲 <1>');
    expect(zh('b')).toBe('only en');
  });
  it('pick the language from the flag first, then the locale variables', () => {
    expect(pickLang(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(pickLang('en', { LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(pickLang(undefined, { LC_ALL: 'zh_TW', LANG: 'en_US' })).toBe('zh-CN');
    expect(pickLang(undefined, {})).toBe('en');
  });
});
