// The sync lines of `baomi status` (src/cli/commands/status.ts syncLines), in both languages.
import { describe, expect, it } from 'vitest';
import { syncLines } from '../../../src/cli/commands/status.js';
import { cliTranslator } from '../../../src/cli/i18n.js';
import type { StatusResult } from '../../../src/core/protocol/messages.js';

const base = { running: true } as StatusResult;
const en = cliTranslator('en');
const zh = cliTranslator('zh-CN');

describe('status: console sync', () => {
  it('says nothing without a console, or from an agent older than the sync module', () => {
    expect(syncLines(en, { ...base, sync: { console: null } })).toEqual([]);
    expect(syncLines(en, { ...base, sync: { console: 'https://c' } })).toEqual([]);
  });

  it('not enrolled: how to enroll', () => {
    const s = { ...base, sync: { console: 'https://c', enrolled: false } };
    expect(syncLines(en, s)).toEqual([expect.stringMatching(/not enrolled.*baomi enroll/)]);
    expect(syncLines(zh, s)[0]).toMatch(/尚未注册/);
  });

  it('enrolled: the last success, an error since then in words, the next request', () => {
    const s: StatusResult = {
      ...base,
      sync: {
        console: 'https://c',
        enrolled: true,
        agentId: 'agent-1',
        lastSuccess: 1_000,
        lastError: {
          code: 'SYNC_REVOKED',
          params: { console: 'https://c', status: 401, message: 'revoked' },
          at: 2_000,
        },
        nextAt: 3_000,
      },
    };
    const lines = syncLines(en, s);
    expect(lines[0]).toBe('Console sync: enrolled as agent-1');
    expect(lines[1]).toMatch(/last success: /);
    expect(lines[2]).toMatch(
      /last error \(.*\): The console https:\/\/c refused this agent \(HTTP 401: revoked\)/,
    );
    expect(lines[3]).toMatch(/next request: /);
    expect(syncLines(zh, s)[2]).toMatch(/最近一次错误.*控制台 https:\/\/c 拒绝了本代理/);
    // An error the last success came after is history; a stopped agent plans nothing.
    const healed = { ...s, sync: { ...s.sync!, lastSuccess: 5_000 } };
    expect(syncLines(en, healed).join('\n')).not.toMatch(/last error/);
    expect(syncLines(en, { ...s, running: false }).join('\n')).not.toMatch(/next request/);
  });
});
