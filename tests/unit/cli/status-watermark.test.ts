// `baomi status` tells the person when the policy puts a watermark on their screen (issue 14:
// the employee sees what this workstation does about them), and says nothing when it does not.
import { describe, expect, it } from 'vitest';
import { statusLines } from '../../../src/cli/commands/status.js';
import { cliTranslator } from '../../../src/cli/i18n.js';
import type { StatusResult } from '../../../src/core/protocol/messages.js';

const base = (over: Partial<StatusResult> = {}): StatusResult => ({
  running: true,
  policy: { name: 'p', version: 1 },
  folders: 0,
  watched: [],
  events: { stored: 3, unsynced: 0 },
  seatUser: null,
  seatSource: 'none',
  idleSource: 'none',
  usb: { enforcing: true },
  ...over,
});

describe('status: watermark', () => {
  it('names the template when on, in both languages; nothing when off or absent', () => {
    const on = base({
      watermark: { enabled: true, text: '内部 {user} {date}\u001b[31m', opacity: 0.1 },
    });
    const en = statusLines(cliTranslator('en'), on, 'en').join('\n');
    expect(en).toContain('Screen watermark (drawn by the tray): 内部 {user} {date}');
    expect(en).not.toContain('\u001b');
    expect(statusLines(cliTranslator('zh-CN'), on, 'zh-CN').join('\n')).toContain(
      '屏幕水印（由托盘绘制）',
    );
    for (const s of [
      base(),
      base({ watermark: null }),
      base({ watermark: { enabled: false, text: 'x', opacity: 0.1 } }),
    ])
      expect(statusLines(cliTranslator('en'), s, 'en').join('\n')).not.toMatch(/watermark/i);
  });
});
