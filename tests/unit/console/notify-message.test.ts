// The text and JSON of a notification (core/console/notify/message.ts) and the webhook's
// signature (signature.ts). Every string from a workstation is hostile: it must not add a line
// or a header, reorder the text, or be read as a template.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  alertLink,
  describeAlert,
  MAX_NAMED,
  type MessageInput,
  type NotifyAlert,
  renderMessage,
  shown,
} from '../../../src/core/console/notify/message.js';
import {
  verifyWebhookSignature,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_WINDOW_MS,
  webhookSignature,
} from '../../../src/core/console/notify/signature.js';

const T = Date.UTC(2026, 11, 1, 9, 30, 0);

function alert(o: Partial<NotifyAlert> = {}): NotifyAlert {
  return {
    id: 42,
    agentId: 'agent-1',
    ts: T,
    type: 'usb.enforcement-lost',
    severity: 'high',
    seq: 7,
    data: { open: ['usb1', 'usb2'], resealed: true, why: 'check' },
    state: '预报',
    ...o,
  };
}

function input(o: Partial<MessageInput> = {}): MessageInput {
  return {
    kind: 'alert',
    deliveryId: 5,
    channel: 'soc',
    rule: 'default',
    agentId: 'agent-1',
    host: 'ws-01',
    alert: alert(),
    named: [],
    namedCount: 0,
    now: T + 1000,
    ...o,
  };
}

describe('shown', () => {
  it('escapes every character that could break a line, a header or the reading order', () => {
    for (const c of [
      '\r',
      '\n',
      '\t',
      '\u0000',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u2028',
      '\u2029',
      '\u202e',
      '\u2066',
      '\u200f',
      '\ufeff',
    ])
      expect(shown(`a${c}b`), JSON.stringify(c)).toBe(
        `a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`,
      );
    expect(shown('机密 文件 ñ é 👀')).toBe('机密 文件 ñ é 👀');
  });

  it('cuts to a length in characters, with an ellipsis; shows non-strings as JSON', () => {
    expect(shown('x'.repeat(10), 10)).toBe('x'.repeat(10));
    expect(shown('x'.repeat(11), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(shown('👀'.repeat(5), 4)).toBe('👀👀👀…');
    expect(shown(3)).toBe('3');
    expect(shown(['a', 1])).toBe('["a",1]');
    expect(shown(undefined)).toBe('');
    expect(shown(null)).toBe('null');
    expect(shown('a'.repeat(500))).toHaveLength(200);
  });
});

describe('renderMessage', () => {
  it('an alert: subject and body zh-CN first, then English; the JSON for the webhook', () => {
    const m = renderMessage(input());
    expect(m.subject).toBe(
      '[保密] 高级告警 #42：ws-01 上的 usb.enforcement-lost | [Baomi] high alert #42: usb.enforcement-lost on ws-01',
    );
    const [zh, en] = m.text.split('\n\n----- English -----\n\n');
    expect(zh!.split('\n')).toEqual([
      '告警 #42（高）：usb.enforcement-lost',
      'ws-01 的 USB 管控曾失效（check：usb1, usb2）；端口已重新封闭。',
      '工作站：ws-01（代理 agent-1）',
      '产生时间：2026-12-01T09:30:00.000Z（UTC）',
      '阶段：预报（forecast）',
      '在控制台中查看：/alerts/42',
      '',
      '由保密控制台发送（规则 default，通知渠道 soc，投递 5）。来自工作站的文字已转义显示。',
    ]);
    expect(en!.split('\n').slice(0, 6)).toEqual([
      'Alert #42 (high): usb.enforcement-lost',
      'USB enforcement on ws-01 was lost (check: usb1, usb2); the ports were sealed again.',
      'Workstation: ws-01 (agent agent-1)',
      'Raised: 2026-12-01T09:30:00.000Z (UTC)',
      'Stage: 预报 (forecast)',
      'In the console: /alerts/42',
    ]);
    expect(m.text.endsWith('\n')).toBe(true);
    expect(m.json).toEqual({
      v: 1,
      delivery: 5,
      kind: 'alert',
      channel: 'soc',
      rule: 'default',
      sentAt: '2026-12-01T09:30:01.000Z',
      agentId: 'agent-1',
      host: 'ws-01',
      alert: {
        id: 42,
        type: 'usb.enforcement-lost',
        severity: 'high',
        stage: '预报',
        stageEn: 'forecast',
        agentId: 'agent-1',
        host: 'ws-01',
        time: '2026-12-01T09:30:00.000Z',
        ts: T,
        seq: 7,
        link: '/alerts/42',
        data: { open: ['usb1', 'usb2'], resealed: true, why: 'check' },
      },
      summary: {
        'zh-CN': 'ws-01 的 USB 管控曾失效（check：usb1, usb2）；端口已重新封闭。',
        en: 'USB enforcement on ws-01 was lost (check: usb1, usb2); the ports were sealed again.',
      },
      held: { count: 0, alerts: [] },
    });
  });

  it('a hostile host name: no line break, no header, no template, no reordering', () => {
    const host = 'ws\r\nBcc: x@evil.cn\r\n\r\n{{count}} $t(notify.footer) \u202eevil';
    const m = renderMessage(input({ host, alert: alert({ data: { open: [host], why: host } }) }));
    expect(m.subject).not.toMatch(/[\r\n\u202e]/);
    expect(m.subject).toContain('ws\\u000d\\u000aBcc: x@evil.cn\\u000d\\u000a');
    expect(m.text).not.toMatch(/[\r\u202e]/);
    expect(m.text.split('\n').some((l) => l.startsWith('Bcc:'))).toBe(false);
    expect(m.text).toContain('{{count}} $t(notify.footer)');
    // The JSON keeps the value as it is: JSON's own escaping makes it safe there.
    expect(m.json.host).toBe(host);
    expect(JSON.stringify(m.json)).not.toMatch(/[\r\n]/);
  });

  it('names the held alerts: all in the JSON up to MAX_NAMED, 20 in the text, the count exact', () => {
    const named = Array.from({ length: 25 }, (_, i) =>
      alert({ id: 100 + i, ts: T + i, severity: 'critical', type: 'sync.gap' }),
    );
    const m = renderMessage(input({ named, namedCount: 25 }));
    expect(m.subject).toMatch(/（另有 25 条暂缓） \| \[Baomi\] .* \(\+25 held\)$/);
    expect(m.json.held.count).toBe(25);
    expect(m.json.held.alerts).toHaveLength(25);
    expect(m.json.held.alerts[0]).toEqual({
      id: 100,
      type: 'sync.gap',
      severity: 'critical',
      time: '2026-12-01T09:30:00.000Z',
      link: '/alerts/100',
    });
    const en = m.text.split('----- English -----')[1]!;
    expect(en).toContain(
      'Held during the quiet period of rule default (25 alert(s), not sent alone):',
    );
    expect(en).toContain('  #100 2026-12-01T09:30:00.000Z critical sync.gap /alerts/100');
    expect(en).toContain('  #119 ');
    expect(en).not.toContain('#120 ');
    expect(en).toContain('  … and 5 more (the console lists them all).');
    expect(m.text).toContain('  ……另有 5 条（控制台中列出全部）。');
    // More than MAX_NAMED held: the JSON lists MAX_NAMED, the count says how many.
    const many = renderMessage(
      input({
        named: Array.from({ length: MAX_NAMED + 3 }, (_, i) => alert({ id: i + 1 })),
        namedCount: 999,
      }),
    );
    expect(many.json.held.alerts).toHaveLength(MAX_NAMED);
    expect(many.json.held.count).toBe(999);
  });

  it('a summary: no alert, the held ones named, a link to the first', () => {
    const named = [alert({ id: 7 }), alert({ id: 9 })];
    const m = renderMessage(input({ kind: 'summary', alert: null, named, namedCount: 2 }));
    expect(m.subject).toBe(
      '[保密] 规则 default 为 ws-01 暂缓了 2 条告警 | [Baomi] 2 alert(s) held by rule default for ws-01',
    );
    expect(m.json.alert).toBeNull();
    expect(m.json.kind).toBe('summary');
    expect(m.json.summary.en).toBe(
      'The quiet period of rule default for ws-01 has ended. 2 matching alert(s) were held during it and are named here:',
    );
    expect(m.text).toContain('In the console: /alerts/7');
    expect(m.json.held.alerts.map((x) => x.link)).toEqual(['/alerts/7', '/alerts/9']);
    const none = renderMessage(input({ kind: 'summary', alert: null, host: null, agentId: null }));
    expect(none.subject).toContain('（无工作站）');
    expect(none.subject).toContain('(no workstation)');
  });
});

describe('describeAlert', () => {
  const both = (a: NotifyAlert, host: string | null = 'ws-01') => [
    describeAlert('zh-CN', a, host),
    describeAlert('en', a, host),
  ];

  it('says what each kind of alert means, in both languages', () => {
    expect(both(alert({ type: 'agent.silent', data: { lastSeen: T } }))).toEqual([
      'ws-01 上的代理自 2026-12-01T09:30:00.000Z 起未联系控制台（已超过三个同步周期）。',
      'The agent on ws-01 has not called the console since 2026-12-01T09:30:00.000Z (three sync intervals or more).',
    ]);
    expect(both(alert({ type: 'agent.silent', data: { lastSeen: null } }))[1]).toMatch(
      /since it was enrolled/,
    );
    expect(
      both(alert({ type: 'sync.chain-broken', data: { kind: 'rewritten', seq: 12 } })),
    ).toEqual([
      'ws-01 的事件日志在第 12 条事件处断链（rewritten）：工作站上的事件被修改、删除或改写。',
      'The event log of ws-01 does not hold together at event 12 (rewritten): events were edited, removed or rewritten on the workstation.',
    ]);
    expect(both(alert({ type: 'sync.chain-broken', seq: 3, data: { kind: 'link' } }))[1]).toMatch(
      /at event 3 \(link\)/,
    );
    expect(both(alert({ type: 'sync.gap', data: { from: 4, to: 9 } }))[1]).toBe(
      'Events 4–9 of ws-01 are missing, and no retention record of the agent explains it.',
    );
    expect(both(alert({ data: { open: ['usb3'], resealed: false, why: 'start' } }))).toEqual([
      'ws-01 的 USB 管控失效（start：usb3），目前仍未恢复：端口处于打开状态。',
      'USB enforcement on ws-01 was lost (start: usb3) and still does not hold: the ports are open.',
    ]);
    expect(
      both(
        alert({
          type: 'alert.raised',
          data: { rule: { index: 2, match: 'file.*', within: '5m' }, count: 100 },
        }),
      ),
    ).toEqual([
      'ws-01 上触发了策略预警规则 alerts[2]：5m内发生 100 次 file.* 事件。',
      'The policy’s early-warning rule alerts[2] fired on ws-01: 100 file.* event(s) within 5m.',
    ]);
    expect(
      both(
        alert({
          type: 'notify.failed',
          data: {
            alertId: 41,
            channel: 'mail',
            attempts: 10,
            code: 'NOTIFY_SMTP_REFUSED',
            detail: '550 no',
          },
        }),
      ),
    ).toEqual([
      '一条通知（告警 #41）经 10 次尝试仍无法通过通知渠道 mail 送达，已放弃：通知渠道 mail 的邮件服务器拒绝：550 no。',
      'A notification (alert #41) could not be delivered over the channel mail after 10 attempt(s) and was given up: The mail server of the channel mail refused: 550 no.',
    ]);
    expect(
      both(alert({ type: 'notify.failed', data: { channel: 'x', code: 'BOGUS', detail: 'd' } }))[1],
    ).toMatch(/alert #—\).* given up: d$/);
    expect(both(alert({ type: 'something.new', data: { a: 1 } }), null)).toEqual([
      '（无工作站） 上的告警 something.new：{"a":1}',
      'Alert something.new on (no workstation): {"a":1}',
    ]);
  });

  it('links are relative to the console', () => {
    expect(alertLink(7)).toBe('/alerts/7');
  });
});

describe('webhook signature', () => {
  const key = 'k'.repeat(32);
  const body = '{"v":1,"delivery":5}';

  it('is sha256=HMAC-SHA256(key, timestamp + "." + body) in lowercase hex', () => {
    const want = createHmac('sha256', key).update(`1700000000.${body}`).digest('hex');
    expect(webhookSignature(key, '1700000000', body)).toBe(`sha256=${want}`);
    expect(webhookSignature(key, '1700000000', Buffer.from(body))).toBe(`sha256=${want}`);
  });

  it('verifies exactly that, within the window, and nothing else', () => {
    const ts = '1700000000';
    const sig = webhookSignature(key, ts, body);
    const now = 1_700_000_000_000;
    expect(verifyWebhookSignature(key, ts, sig, body, now)).toBe(true);
    expect(verifyWebhookSignature(key, ts, sig, body, now + 300_000)).toBe(true);
    expect(verifyWebhookSignature(key, ts, sig, body, now - 300_000)).toBe(true);
    expect(verifyWebhookSignature(key, ts, sig, body, now + 300_001)).toBe(false);
    expect(verifyWebhookSignature(key, ts, sig, body, now - 300_001)).toBe(false);
    expect(verifyWebhookSignature(key, ts, sig, `${body} `, now)).toBe(false);
    expect(verifyWebhookSignature(`${key}!`, ts, sig, body, now)).toBe(false);
    expect(verifyWebhookSignature(key, '1700000001', sig, body, now)).toBe(false);
    expect(verifyWebhookSignature(key, ts, sig.toUpperCase(), body, now)).toBe(false);
    expect(verifyWebhookSignature(key, ts, sig.slice(0, -1), body, now)).toBe(false);
    expect(verifyWebhookSignature(key, undefined, sig, body, now)).toBe(false);
    expect(verifyWebhookSignature(key, ts, undefined, body, now)).toBe(false);
    expect(verifyWebhookSignature(key, '1.7e9', sig, body, now)).toBe(false);
    expect(verifyWebhookSignature(key, ts, sig, body, now + 3_600_000, 3_600_000)).toBe(true);
    // A timestamp is decimal digits and nothing else, even signed as it is.
    for (const odd of ['1700000000.0', 'x1700000000', '1700000000x', ' 1700000000', '17e8', ''])
      expect(
        verifyWebhookSignature(key, odd, webhookSignature(key, odd, body), body, now),
        JSON.stringify(odd),
      ).toBe(false);
  });

  it('names the headers receivers read (a contract: never renamed)', () => {
    expect([WEBHOOK_TIMESTAMP_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_DELIVERY_HEADER]).toEqual([
      'x-baomi-timestamp',
      'x-baomi-signature',
      'x-baomi-delivery',
    ]);
    expect(WEBHOOK_WINDOW_MS).toBe(300_000);
  });
});
