// The console's configuration file (src/console/config.ts): every problem reported with its
// place and the console not started; a good file read with its defaults; paths to secrets
// resolved against the file and checked readable at start.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConsoleConfig, parseConsoleConfig } from '../../../src/console/config.js';
import { DEFAULT_CONSOLE_CONFIG } from '../../../src/core/console/config/index.js';
import { typeMatches } from '../../../src/core/console/config/match.js';
import { BaomiError } from '../../../src/core/errors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function problemsOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BaomiError);
    expect((e as BaomiError).code).toBe('CONSOLE_CONFIG_INVALID');
    expect((e as BaomiError).exit).toBe(2);
    return String((e as BaomiError).params.problems);
  }
  throw new Error('no error');
}

describe('console configuration', () => {
  it('an empty file is the default: no sink, no channel, events kept', () => {
    expect(parseConsoleConfig('', 'c.yaml')).toEqual(DEFAULT_CONSOLE_CONFIG);
    expect(DEFAULT_CONSOLE_CONFIG.siem).toEqual([]);
    expect(DEFAULT_CONSOLE_CONFIG.notify.channels).toEqual([]);
    expect(DEFAULT_CONSOLE_CONFIG.retention.default).toBeUndefined();
  });

  it('reads durations and fills defaults', () => {
    const c = parseConsoleConfig(
      [
        'siem:',
        '  - {name: soc, format: cef, url: "tcp://127.0.0.1:6514"}',
        'retention:',
        '  default: 365d',
        '  types: {"idle.*": 90d}',
      ].join('\n'),
      'c.yaml',
    );
    expect(c.siem[0]).toMatchObject({ name: 'soc', minSeverity: 'info', start: 'new' });
    expect(c.retention).toMatchObject({
      default: 365 * 86_400_000,
      types: { 'idle.*': 90 * 86_400_000 },
      partition: 'month',
    });
  });

  it('names every problem with its line and path, a typo included', () => {
    const p = problemsOf(() =>
      parseConsoleConfig(
        [
          'siem:',
          '  - name: soc',
          '    format: leef',
          '    url: "udp://x:514"',
          'retension: {}',
          'retention:',
          '  default: 3 months',
        ].join('\n'),
        'c.yaml',
      ),
    );
    expect(p).toMatch(/line 3, column \d+: siem\[0\]\.format/);
    expect(p).toMatch(/line 4, column \d+: siem\[0\]\.url: tcp:\/\/HOST:PORT/);
    expect(p).toMatch(/retension: unknown key/);
    expect(p).toMatch(/retention\.default: "3 months" is not a duration/);
  });

  it('siem: facility authpriv and 8192-octet messages by default; others named, bounds checked', () => {
    const ok = parseConsoleConfig(
      [
        'siem:',
        '  - {name: a, format: syslog, url: "tls://siem.example:6514"}',
        '  - {name: b, format: cef, url: "tcp://10.0.0.9:514", facility: local3, maxMessage: 16000}',
      ].join('\n'),
      'c.yaml',
    );
    expect(ok.siem[0]).toMatchObject({ facility: 'authpriv', maxMessage: 8192 });
    expect(ok.siem[1]).toMatchObject({ facility: 'local3', maxMessage: 16_000 });
    const p = problemsOf(() =>
      parseConsoleConfig(
        [
          'siem:',
          '  - {name: a, format: syslog, url: "tcp://x:1", facility: kern}',
          '  - {name: b, format: syslog, url: "tcp://x:1", maxMessage: 1024}',
          '  - {name: c, format: syslog, url: "tcp://x:1", maxMessage: 65536}',
        ].join('\n'),
        'c.yaml',
      ),
    );
    expect(p).toMatch(/line 2, column \d+: siem\[0\]\.facility/);
    expect(p).toMatch(/line 3, column \d+: siem\[1\]\.maxMessage/);
    expect(p).toMatch(/line 4, column \d+: siem\[2\]\.maxMessage/);
  });

  it('refuses YAML that does not parse and a duplicate key', () => {
    expect(problemsOf(() => parseConsoleConfig('siem: [', 'c.yaml'))).toMatch(/line 1/);
    expect(problemsOf(() => parseConsoleConfig('retention: {}\nretention: {}', 'c.yaml'))).toMatch(
      /line 2/,
    );
  });

  it('refuses names used twice and rules naming a channel that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baomi-config-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'hook.key'), 'k');
    const file = join(dir, 'console.yaml');
    writeFileSync(
      file,
      [
        'notify:',
        '  channels:',
        '    - {name: soc, kind: webhook, url: "https://h.example/x", secretFile: hook.key}',
        '    - {name: soc, kind: webhook, url: "https://h.example/y", secretFile: hook.key}',
        '  rules:',
        '    - {name: all, channels: [soc, pager]}',
      ].join('\n'),
    );
    const p = problemsOf(() => loadConsoleConfig(file));
    expect(p).toMatch(/notify.channels: the name soc is used twice/);
    expect(p).toMatch(/no channel is named pager/);
  });

  it('resolves secret files against the file and refuses one it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baomi-config-'));
    dirs.push(dir);
    const file = join(dir, 'console.yaml');
    const hook =
      '    - {name: soc, kind: webhook, url: "https://h.example/x", secretFile: hook.key}';
    writeFileSync(file, ['notify:', '  channels:', hook].join('\n'));
    expect(problemsOf(() => loadConsoleConfig(file))).toMatch(
      /notify\.channels\[0\]\.secretFile: .*hook\.key cannot be read \(ENOENT\)/,
    );
    writeFileSync(join(dir, 'hook.key'), 'k');
    const c = loadConsoleConfig(file);
    const ch = c.notify.channels[0]!;
    expect(ch.kind === 'webhook' && ch.secretFile).toBe(join(dir, 'hook.key'));
    if (process.getuid?.() !== 0) {
      chmodSync(join(dir, 'hook.key'), 0);
      expect(problemsOf(() => loadConsoleConfig(file))).toMatch(/EACCES/);
    }
  });

  it('says when the file itself cannot be read', () => {
    try {
      loadConsoleConfig('/nonexistent/console.yaml');
      expect.unreachable();
    } catch (e) {
      expect((e as BaomiError).code).toBe('CONSOLE_CONFIG_UNREADABLE');
      expect((e as BaomiError).params.reason).toBe('ENOENT');
    }
  });

  it('type patterns: exact, prefix.* and *', () => {
    expect(typeMatches('usb.*', 'usb.blocked')).toBe(true);
    expect(typeMatches('usb.*', 'usb')).toBe(true);
    expect(typeMatches('usb.*', 'usbx.blocked')).toBe(false);
    expect(typeMatches('usb.blocked', 'usb.blocked')).toBe(true);
    expect(typeMatches('usb.blocked', 'usb.blocked.x')).toBe(false);
    expect(typeMatches('*', 'anything')).toBe(true);
  });
});
