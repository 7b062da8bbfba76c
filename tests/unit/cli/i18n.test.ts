// The CLI's translator escapes every string parameter of every sentence for the terminal
// (src/cli/i18n.ts): a file, host or device name inside a sentence cannot clear the screen,
// start a line of its own or reverse what follows it, whichever command builds the sentence.
import { describe, expect, it } from 'vitest';
import { cliTranslator } from '../../../src/cli/i18n.js';
import { BaomiError } from '../../../src/core/errors.js';
import { describeError } from '../../../src/core/i18n/translate.js';

const HOSTILE = 'usb1\u001b[2J\nbaomi: USB released\u009b31m\u202egnp.exe';
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('the CLI translator', () => {
  it.each(['en', 'zh-CN'] as const)('escapes a hostile string in a sentence (%s)', (lang) => {
    const line = cliTranslator(lang)('cli.usb.release.kept', { kept: HOSTILE });
    expect(line).not.toMatch(RAW);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('usb1\\u001b[2J\\nbaomi: USB released\\u009b31m\\u202egnp.exe');
  });

  it('escapes each string of an array parameter (joined by i18next)', () => {
    const line = cliTranslator('en')('cli.usb.release.kept', { kept: ['usb1', HOSTILE] });
    expect(line).not.toMatch(RAW);
    expect(line).toContain('usb1,usb1\\u001b[2J');
  });

  it('leaves numbers alone and escaping twice changes nothing', () => {
    const t = cliTranslator('en');
    expect(t('cli.staff.audit.broken', { count: 3, checked: 10 })).toMatch(/3/);
    const once = t('cli.usb.release.kept', { kept: HOSTILE });
    const escaped = once.slice(once.indexOf('usb1'), once.lastIndexOf('.'));
    expect(t('cli.usb.release.kept', { kept: escaped })).toBe(once);
  });

  it('escapes the parameters of an error the CLI reports', () => {
    const t = cliTranslator('en');
    const line = describeError(
      t,
      new BaomiError('CLI_READ_FAILED', { file: HOSTILE, reason: 'x' }),
    );
    expect(line).not.toMatch(RAW);
    expect(line).toContain('\\u001b[2J');
  });
});
