// What is notified and where (core/console/notify/rules.ts), and the `notify:` section of the
// console's configuration (core/console/config/notify.ts): the default rule, first rule per
// channel, a given-up delivery never sent back to its channel, back-off, URLs that may not be.
import { describe, expect, it } from 'vitest';
import { parseConsoleConfig } from '../../../src/console/config.js';
import { isLoopbackHost, type NotifyRule } from '../../../src/core/console/config/notify.js';
import {
  effectiveRules,
  MAX_RETRY_MS,
  retryDelayMs,
  routeAlert,
  ruleMatches,
} from '../../../src/core/console/notify/rules.js';
import type { Severity } from '../../../src/core/events/types.js';

const channels = [{ name: 'mail' }, { name: 'soc' }];
const a = (type: string, severity: Severity, data: Record<string, unknown> = {}) => ({
  type,
  severity,
  data,
});

function problems(yaml: string): string {
  try {
    parseConsoleConfig(yaml, 'c.yaml');
  } catch (e) {
    return String((e as { params: { problems: string } }).params.problems);
  }
  return '';
}

describe('notification rules', () => {
  it('by default: critical and high alerts, and the three named types at any severity', () => {
    const rules = effectiveRules({});
    expect(rules.map((r) => r.name)).toEqual(['default']);
    for (const [type, severity, sent] of [
      ['sync.gap', 'high', true],
      ['alert.raised', 'critical', true],
      ['alert.raised', 'medium', false],
      ['notify.failed', 'high', true],
      ['agent.silent', 'info', true],
      ['sync.chain-broken', 'low', true],
      ['usb.enforcement-lost', 'medium', true],
      ['usb.enforcement-lost.x', 'info', false],
      ['usb.blocked', 'medium', false],
    ] as const)
      expect(routeAlert(a(type, severity), rules, channels), `${type} ${severity}`).toEqual(
        sent
          ? [
              { channel: 'mail', rule: 'default', quietMs: 900_000 },
              { channel: 'soc', rule: 'default', quietMs: 900_000 },
            ]
          : [],
      );
    expect(effectiveRules({ rules: [] })).toEqual([]);
  });

  it('a rule matches by severity or by type; one with neither matches everything', () => {
    const rule = (r: Partial<NotifyRule>): NotifyRule => ({ name: 'r', quietPeriod: 0, ...r });
    expect(ruleMatches(rule({ minSeverity: 'medium' }), a('x', 'medium'))).toBe(true);
    expect(ruleMatches(rule({ minSeverity: 'medium' }), a('x', 'low'))).toBe(false);
    expect(ruleMatches(rule({ types: ['usb.*'] }), a('usb.enforcement-lost', 'info'))).toBe(true);
    expect(ruleMatches(rule({ types: ['usb.*'] }), a('sync.gap', 'critical'))).toBe(false);
    expect(
      ruleMatches(rule({ minSeverity: 'critical', types: ['sync.gap'] }), a('sync.gap', 'low')),
    ).toBe(true);
    expect(ruleMatches(rule({}), a('anything', 'info'))).toBe(true);
  });

  it('each channel once, under the first rule that matches and names it', () => {
    const rules: NotifyRule[] = [
      { name: 'usb', types: ['usb.*'], channels: ['soc'], quietPeriod: 60_000 },
      { name: 'all', minSeverity: 'high', quietPeriod: 0 },
    ];
    expect(routeAlert(a('usb.enforcement-lost', 'high'), rules, channels)).toEqual([
      { channel: 'soc', rule: 'usb', quietMs: 60_000 },
      { channel: 'mail', rule: 'all', quietMs: 0 },
    ]);
    expect(routeAlert(a('sync.gap', 'high'), rules, channels)).toEqual([
      { channel: 'mail', rule: 'all', quietMs: 0 },
      { channel: 'soc', rule: 'all', quietMs: 0 },
    ]);
    expect(routeAlert(a('usb.enforcement-lost', 'info'), rules, channels)).toEqual([
      { channel: 'soc', rule: 'usb', quietMs: 60_000 },
    ]);
  });

  it('a notify.failed alert never goes back to the channel that failed', () => {
    const rules = effectiveRules({});
    expect(routeAlert(a('notify.failed', 'high', { channel: 'mail' }), rules, channels)).toEqual([
      { channel: 'soc', rule: 'default', quietMs: 900_000 },
    ]);
    expect(
      routeAlert(a('notify.failed', 'high', { channel: 'soc' }), rules, [{ name: 'soc' }]),
    ).toEqual([]);
    // Another type with a `channel` in its data is routed as usual.
    expect(routeAlert(a('sync.gap', 'high', { channel: 'mail' }), rules, channels)).toHaveLength(2);
  });

  it('retries: the first wait, doubled each time, at most an hour; none after maxAttempts', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000, 10))).toEqual([
      30_000, 60_000, 120_000, 240_000,
    ]);
    expect(retryDelayMs(9, 30_000, 10)).toBe(MAX_RETRY_MS);
    expect(retryDelayMs(10, 30_000, 10)).toBeNull();
    expect(retryDelayMs(11, 30_000, 10)).toBeNull();
    expect(retryDelayMs(1, 30_000, 1)).toBeNull();
    expect(retryDelayMs(0, 30_000, 3)).toBe(30_000);
    expect(retryDelayMs(99, 1000, 100)).toBe(MAX_RETRY_MS);
  });
});

describe('notify: configuration', () => {
  it('fills defaults, reads 0 as no quiet period and durations', () => {
    const c = parseConsoleConfig(
      [
        'notify:',
        '  maxAttempts: 3',
        '  retryAfter: 1m',
        '  rules:',
        '    - {name: now, types: ["agent.silent"], quietPeriod: 0}',
        '    - {name: later, minSeverity: critical, quietPeriod: 1h}',
      ].join('\n'),
      'c.yaml',
    ).notify;
    expect(c).toEqual({
      channels: [],
      rules: [
        { name: 'now', types: ['agent.silent'], quietPeriod: 0 },
        { name: 'later', minSeverity: 'critical', quietPeriod: 3_600_000 },
      ],
      maxAttempts: 3,
      retryAfter: 60_000,
      maxAge: 86_400_000,
      every: 5_000,
    });
    expect(parseConsoleConfig('', 'c.yaml').notify).toMatchObject({ maxAttempts: 10, every: 5000 });
  });

  it('a webhook over http:// only to this computer; never a user or password in a URL', () => {
    const hook = (url: string) =>
      problems(
        `notify:\n  channels:\n    - {name: h, kind: webhook, url: "${url}", secretFile: k}\n`,
      );
    for (const ok of [
      'https://soc.example.cn/hook',
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://[::1]:9/x',
    ])
      expect(hook(ok), ok).toBe('');
    for (const bad of [
      'http://soc.example.cn/hook',
      'http://10.0.0.1/x',
      'http://127.0.0.1.evil.cn/x',
    ])
      expect(hook(bad), bad).toMatch(/http:\/\/ to this computer only/);
    expect(hook('ftp://x/y')).toMatch(/notify\.channels\[0\]\.url/);
    expect(hook('https://u:p@soc.example.cn/hook')).toMatch(/no user or password in the URL/);
    expect(hook('https://u@soc.example.cn/hook')).toMatch(/no user or password in the URL/);
    const mail = (smtp: string) =>
      problems(
        `notify:\n  channels:\n    - {name: m, kind: email, smtp: "${smtp}", from: a@b.cn, to: [c@d.cn]}\n`,
      );
    expect(mail('smtp://bot@mail.example.cn:587')).toBe('');
    expect(mail('smtps://mail.example.cn')).toBe('');
    expect(mail('smtp://bot:hunter2@mail.example.cn')).toMatch(/put it in passwordFile/);
    expect(mail('http://mail.example.cn')).toMatch(/notify\.channels\[0\]\.smtp/);
  });

  it('loopback hosts are 127.0.0.0/8, localhost and [::1], nothing that only starts like them', () => {
    for (const h of [
      '127.0.0.1',
      '127.1.2.3',
      '127.255.255.255',
      'localhost',
      'LOCALHOST',
      '[::1]',
    ])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [
      '127.0.0.256',
      '127.0.0',
      '128.0.0.1',
      'localhost.evil.cn',
      '[::2]',
      '0.0.0.0',
      '',
    ])
      expect(isLoopbackHost(h), h).toBe(false);
  });
});
