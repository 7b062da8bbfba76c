import { describe, expect, it } from 'vitest';
import { compileIgnore } from '../../../src/agent/folders/ignore.js';

const match = (patterns: string[], rel: string, isDir = false) =>
  compileIgnore(patterns)(rel, `/root/${rel}`, isDir);

describe('ignore globs', () => {
  it('matches the policy examples at any depth', () => {
    const p = ['**/~$*', '**/*.tmp'];
    expect(match(p, '~$report.docx')).toBe(true);
    expect(match(p, 'a/b/~$report.docx')).toBe(true);
    expect(match(p, 'a/b/x.tmp')).toBe(true);
    expect(match(p, '.x.tmp')).toBe(true);
    expect(match(p, 'a/report.docx')).toBe(false);
    expect(match(p, 'a/x.tmpl')).toBe(false);
  });

  it('treats a pattern without a slash as a base-name pattern', () => {
    expect(match(['*.bak'], 'deep/er/file.bak')).toBe(true);
    expect(match(['*.bak'], 'file.bak2')).toBe(false);
  });

  it('prunes whole folders', () => {
    expect(match(['**/node_modules/**'], 'a/node_modules', true)).toBe(true);
    expect(match(['cache/**'], 'cache', true)).toBe(true);
    expect(match(['cache/**'], 'cache/x/y')).toBe(true);
    expect(match(['cache/**'], 'cachet/x')).toBe(false);
  });

  it('supports ?, classes, alternatives, escapes and absolute patterns', () => {
    expect(match(['file?.txt'], 'file1.txt')).toBe(true);
    expect(match(['file?.txt'], 'file/.txt')).toBe(false);
    expect(match(['[!a]*.log'], 'b.log')).toBe(true);
    expect(match(['[!a]*.log'], 'a.log')).toBe(false);
    expect(match(['*.{doc,xls}'], 'x/y.xls')).toBe(true);
    expect(match(['\\*literal'], '*literal')).toBe(true);
    expect(match(['\\*literal'], 'xliteral')).toBe(false);
    expect(match(['/root/secret/**'], 'secret/a')).toBe(true);
  });

  it('matches names with newlines and Chinese', () => {
    expect(match(['**/*.tmp'], '保密/line\nbreak.tmp')).toBe(true);
    expect(match(['**/草稿*'], 'a/草稿 1.docx')).toBe(true);
  });

  it('matches nothing without patterns', () => {
    expect(match([], 'anything')).toBe(false);
  });
});
