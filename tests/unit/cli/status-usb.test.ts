// The USB lines of `baomi status`: a running agent's answer is read live; one read from a data
// dir (no agent running) says that the value is the stopped agent's last reading, and when;
// devices not held as decided are named.
import { describe, expect, it } from 'vitest';
import { statusLines } from '../../../src/cli/commands/status.js';
import { cliTranslator } from '../../../src/cli/i18n.js';
import { formatTime } from '../../../src/cli/time.js';
import type { StatusResult } from '../../../src/core/protocol/messages.js';

const AT = Date.UTC(2026, 11, 1, 9, 30, 0);
const base = (over: Partial<StatusResult> = {}): StatusResult => ({
  running: true,
  policy: { name: 'p', version: 1 },
  folders: 0,
  watched: [],
  events: { stored: 3, unsynced: 0 },
  seatUser: null,
  seatSource: 'none',
  idleSource: 'none',
  usb: { enforcing: true, checkedAt: AT },
  ...over,
});

describe('status: USB', () => {
  const en = cliTranslator('en');
  const zh = cliTranslator('zh-CN');

  it('running: the live value, with no "as last read" line', () => {
    const lines = statusLines(en, base(), 'en');
    expect(lines).toContain('USB enforcement: on');
    expect(lines.join('\n')).not.toMatch(/last read/);
  });

  it('from a data dir: the stopped agent`s last reading, and when, in both languages', () => {
    const s = base({ running: false });
    const lines = statusLines(en, s, 'en');
    const at = lines.indexOf('USB enforcement: on');
    expect(lines[at + 1]).toBe(
      `  (as the agent last read it, at ${formatTime(AT)}; no running agent reads it now)`,
    );
    expect(statusLines(zh, s, 'zh-CN').join('\n')).toContain(
      `（代理最后一次读取于 ${formatTime(AT)}；现在没有运行中的代理读取）`,
    );
    // An older agent's stored answer has no time: nothing is invented.
    const old = base({ running: false, usb: { enforcing: true } });
    expect(statusLines(en, old, 'en').join('\n')).not.toMatch(/last read/);
  });

  it('names the devices not held as decided', () => {
    const s = base({ usb: { enforcing: true, failed: ['1-1', '2-3'] } });
    expect(statusLines(en, s, 'en')).toContain(
      '  NOT HELD as policy decides: 1-1, 2-3 (usb.enforcement-lost; tried again every minute)',
    );
  });
});
