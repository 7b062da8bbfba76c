// The pledge window's monitoring notice (issue 14 §3): what this computer records, from what
// the agent says it does: folders named with their levels, the watermark only when drawn, where
// the records go; the same lines in both languages.
import { describe, expect, it } from 'vitest';
import { translator } from '../../../src/renderer/common/i18n.js';
import { recordedLines } from '../../../src/renderer/pledge/recorded.js';
import { pledgeMessages } from '../../../src/renderer/pledge/text.js';
import { statusResult } from '../../helpers/status-result.js';

const status = statusResult;

describe('pledge notice', () => {
  it('names the folders, the watermark and the console when there are', () => {
    const t = translator('en');
    const lines = recordedLines(
      t,
      status({
        watermark: { enabled: true, text: '{user}', opacity: 0.1 },
        sync: { console: 'https://c.corp' },
      }),
    );
    expect(lines).toContain('Classified folders here: /srv/机密 (机密)');
    expect(lines).toContain(t('pledge.rec.watermark'));
    expect(lines).toContain(t('pledge.rec.console', { console: 'https://c.corp' }));
    expect(lines).not.toContain(t('pledge.rec.local'));
  });

  it('says records stay here, and no watermark, when the policy says so; the least without status', () => {
    const t = translator('zh-CN');
    const lines = recordedLines(t, status({ watermark: null, sync: { console: null } }));
    expect(lines).toContain(t('pledge.rec.local'));
    expect(lines).not.toContain(t('pledge.rec.watermark'));
    const least = recordedLines(t, null);
    expect(least[0]).toBe(t('pledge.rec.files'));
    expect(least).toContain(t('pledge.rec.see'));
    expect(least.join('')).not.toMatch(/pledge\./);
  });

  it('has every key in both languages', () => {
    expect(Object.keys(pledgeMessages['zh-CN']).sort()).toEqual(
      Object.keys(pledgeMessages.en).sort(),
    );
  });
});
