import { describe, expect, it } from 'vitest';
import { alertMessages, alertSummary, createAlertEngine } from '../../../src/core/alerts/index.js';
import { ev } from './helpers.js';

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

function render(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(params[k] ?? `<${k}?>`));
}

describe('alert messages', () => {
  it('have the same keys and placeholders in en and zh-CN', () => {
    const en = alertMessages.en;
    const zh = alertMessages['zh-CN'];
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en)) expect(placeholders(zh[k]!)).toEqual(placeholders(en[k]!));
  });

  it('summarise an alert with a level', () => {
    const engine = createAlertEngine([
      {
        match: 'file.*',
        level: 'AAA',
        count: 1,
        within: '5m',
        withinMs: 300_000,
        severity: 'high',
      },
    ]);
    engine.observe(ev('file.created', { level: 'AAA' }), 1);
    const [alert] = engine.observe(ev('file.created', { level: 'AAA' }), 2);
    const { key, params } = alertSummary(alert!);
    expect(key).toBe('alert.summary');
    expect(render(alertMessages.en[key]!, params)).toBe(
      '2 file.* events at level AAA or higher within 5m (policy alerts[0])',
    );
    expect(render(alertMessages['zh-CN'][key]!, params)).not.toMatch(/\?>/);
  });

  it('summarise an alert without a level', () => {
    const engine = createAlertEngine([
      { match: 'usb.blocked', count: 1, within: '1h', withinMs: 3_600_000, severity: 'medium' },
    ]);
    engine.observe(ev('usb.blocked'), 1);
    const [alert] = engine.observe(ev('usb.blocked'), 2);
    const { key, params } = alertSummary(alert!);
    expect(key).toBe('alert.summaryAnyLevel');
    expect(render(alertMessages.en[key]!, params)).toBe(
      '2 usb.blocked events within 1h (policy alerts[0])',
    );
  });
});
