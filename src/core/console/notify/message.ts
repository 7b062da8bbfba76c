// One notification as it is sent (issue 12 §4): the mail's subject and plain-text body, and
// the webhook's JSON, from a delivery the notifier claimed. Pure.
//
// SECURITY: every string that came from a workstation (its host name, paths, reasons, device
// names, alert data) is hostile. In text it goes through shown(): control characters (CR and
// LF included), line and paragraph separators and text-direction overrides become visible
// \u escapes, and it is cut to a length, so it can neither start a header or a line of its
// own nor reorder what a reader sees. The subject is built from shown() values only. The
// JSON carries the data as JSON (its encoding escapes), never spliced into text.

import type { NotifyCode } from '../../codes/notify.js';
import { notifyCodeMessages } from '../../codes/notify.js';
import type { Json, Severity } from '../../events/types.js';
import { createTranslator, type Translate } from '../../i18n/translate.js';
import type { Lang } from '../../i18n/types.js';
import { ALERT_STAGE_ALIASES } from '../alerts.js';
import { notifyMessages } from './messages.js';

/** An alert as a message shows it (the store's AlertRow has these fields). */
export interface NotifyAlert {
  id: number;
  agentId: string | null;
  ts: number;
  type: string;
  severity: Severity;
  seq: number | null;
  data: { [k: string]: Json };
  state: string;
}

export interface MessageInput {
  kind: 'alert' | 'summary';
  deliveryId: number;
  channel: string;
  rule: string;
  agentId: string | null;
  /** The agent's host name as the console holds it (null: no agent, or not found). */
  host: string | null;
  /** kind `alert`: the alert itself. */
  alert: NotifyAlert | null;
  /** The held alerts this message names (oldest first; at most MAX_NAMED of them). */
  named: readonly NotifyAlert[];
  /** How many it names in all. */
  namedCount: number;
  /** When it is sent (ms). */
  now: number;
}

export interface WebhookPayload {
  v: 1;
  delivery: number;
  kind: 'alert' | 'summary';
  channel: string;
  rule: string;
  sentAt: string;
  agentId: string | null;
  host: string | null;
  alert: {
    id: number;
    type: string;
    severity: Severity;
    stage: string;
    stageEn: string;
    agentId: string | null;
    host: string | null;
    time: string;
    ts: number;
    seq: number | null;
    link: string;
    data: { [k: string]: Json };
  } | null;
  summary: { 'zh-CN': string; en: string };
  held: {
    count: number;
    alerts: { id: number; type: string; severity: Severity; time: string; link: string }[];
  };
}

export interface RenderedMessage {
  subject: string;
  /** zh-CN first, then English. */
  text: string;
  json: WebhookPayload;
}

/** Held alerts a message lists one by one (the count is always exact). */
export const MAX_NAMED = 200;
const TEXT_NAMED = 20;
const HOST_MAX = 64;
const VALUE_MAX = 200;

// C0 and C1 controls (CR, LF and TAB included), DEL, line/paragraph separators, zero-width
// and direction marks, embeddings/overrides/isolates, the BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** A hostile string made safe for one line of text: unsafe characters escaped, cut to `max`. */
export function shown(value: unknown, max = VALUE_MAX): string {
  const s = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  const escaped = s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const chars = [...escaped];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : escaped;
}

export const alertLink = (id: number): string => `/alerts/${id}`;

const iso = (ts: number): string => {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString();
};

const translators = new Map<Lang, Translate>();
function tr(lang: Lang): Translate {
  let t = translators.get(lang);
  if (!t) {
    t = createTranslator(lang, [notifyMessages, notifyCodeMessages]);
    translators.set(lang, t);
  }
  return t;
}

const stageEn = (stage: string): string =>
  Object.entries(ALERT_STAGE_ALIASES).find(([, s]) => s === stage)?.[0] ?? stage;

const isCode = (v: unknown): v is NotifyCode => typeof v === 'string' && v in notifyCodeMessages.en;

/** The one-sentence account of an alert, in one language. */
export function describeAlert(lang: Lang, a: NotifyAlert, host: string | null): string {
  const t = tr(lang);
  const d = a.data;
  const h = host === null ? t('notify.noHost') : shown(host, HOST_MAX);
  switch (a.type) {
    case 'agent.silent':
      return typeof d.lastSeen === 'number'
        ? t('notify.what.agent.silent', { host: h, lastSeen: iso(d.lastSeen) })
        : t('notify.what.agent.silentNever', { host: h });
    case 'sync.chain-broken':
      return t('notify.what.sync.chain-broken', {
        host: h,
        seq: shown(d.seq ?? a.seq),
        kind: shown(d.kind),
      });
    case 'sync.gap':
      return t('notify.what.sync.gap', { host: h, from: shown(d.from), to: shown(d.to) });
    case 'usb.enforcement-lost':
      return t(
        d.resealed === true
          ? 'notify.what.usb.enforcement-lost'
          : 'notify.what.usb.enforcement-lostOpen',
        {
          host: h,
          why: shown(d.why, 40),
          open: shown(Array.isArray(d.open) ? d.open.join(', ') : d.open, 120),
        },
      );
    case 'alert.raised': {
      const rule = (d.rule ?? {}) as { [k: string]: Json };
      return t('notify.what.alert.raised', {
        host: h,
        index: shown(rule.index),
        count: shown(d.count),
        match: shown(rule.match, 60),
        within: shown(rule.within, 20),
      });
    }
    case 'notify.failed': {
      const channel = shown(d.channel, 64);
      const reason = isCode(d.code)
        ? t(d.code, { channel, detail: shown(d.detail) })
        : shown(d.detail);
      return t('notify.what.notify.failed', {
        alert: shown(d.alertId ?? '—'),
        channel,
        attempts: shown(d.attempts),
        reason,
      });
    }
    default:
      return t('notify.what.other', { type: shown(a.type, 64), host: h, data: shown(d, 300) });
  }
}

function severityText(lang: Lang, s: Severity): string {
  return tr(lang)(`notify.severity.${s}`);
}

function body(lang: Lang, m: MessageInput): string {
  const t = tr(lang);
  const host = m.host === null ? t('notify.noHost') : shown(m.host, HOST_MAX);
  const lines: string[] = [];
  if (m.alert) {
    const a = m.alert;
    lines.push(
      t('notify.heading', {
        id: a.id,
        severity: severityText(lang, a.severity),
        type: shown(a.type, 64),
      }),
    );
    lines.push(describeAlert(lang, a, m.host));
    if (m.agentId !== null)
      lines.push(t('notify.line.host', { host, agent: shown(m.agentId, 80) }));
    lines.push(t('notify.line.time', { time: iso(a.ts) }));
    lines.push(
      t('notify.line.stage', {
        stage: t('notify.stage', { stage: shown(a.state, 20), stageEn: stageEn(a.state) }),
      }),
    );
    lines.push(t('notify.line.link', { link: alertLink(a.id) }));
    if (m.namedCount > 0) {
      lines.push('');
      lines.push(t('notify.held', { rule: m.rule, count: m.namedCount }));
    }
  } else {
    lines.push(t('notify.summary', { rule: m.rule, host, count: m.namedCount }));
  }
  for (const n of m.named.slice(0, TEXT_NAMED))
    lines.push(
      `  ${t('notify.heldLine', {
        id: n.id,
        time: iso(n.ts),
        severity: severityText(lang, n.severity),
        type: shown(n.type, 64),
        link: alertLink(n.id),
      })}`,
    );
  const listed = Math.min(m.named.length, TEXT_NAMED);
  if (m.namedCount > listed) lines.push(`  ${t('notify.more', { count: m.namedCount - listed })}`);
  if (!m.alert) {
    const first = m.named[0];
    if (first) lines.push(t('notify.line.link', { link: alertLink(first.id) }));
  }
  lines.push('');
  lines.push(t('notify.footer', { rule: m.rule, channel: m.channel, delivery: m.deliveryId }));
  return lines.join('\n');
}

function subject(lang: Lang, m: MessageInput): string {
  const t = tr(lang);
  const host = m.host === null ? t('notify.noHost') : shown(m.host, HOST_MAX);
  if (!m.alert) return t('notify.subjectSummary', { count: m.namedCount, rule: m.rule, host });
  const s = t('notify.subject', {
    severity: severityText(lang, m.alert.severity),
    id: m.alert.id,
    type: shown(m.alert.type, 64),
    host,
  });
  return m.namedCount > 0 ? s + t('notify.subjectHeld', { count: m.namedCount }) : s;
}

/** The message of one delivery, in both languages (zh-CN first). */
export function renderMessage(m: MessageInput): RenderedMessage {
  const zh = body('zh-CN', m);
  const en = body('en', m);
  const short = (lang: Lang) =>
    m.alert
      ? describeAlert(lang, m.alert, m.host)
      : tr(lang)('notify.summary', {
          rule: m.rule,
          host: m.host === null ? tr(lang)('notify.noHost') : shown(m.host, HOST_MAX),
          count: m.namedCount,
        });
  const a = m.alert;
  return {
    subject: `${subject('zh-CN', m)} | ${subject('en', m)}`,
    text: `${zh}\n\n----- English -----\n\n${en}\n`,
    json: {
      v: 1,
      delivery: m.deliveryId,
      kind: m.kind,
      channel: m.channel,
      rule: m.rule,
      sentAt: iso(m.now),
      agentId: m.agentId,
      host: m.host,
      alert: a
        ? {
            id: a.id,
            type: a.type,
            severity: a.severity,
            stage: a.state,
            stageEn: stageEn(a.state),
            agentId: a.agentId,
            host: m.host,
            time: iso(a.ts),
            ts: a.ts,
            seq: a.seq,
            link: alertLink(a.id),
            data: a.data,
          }
        : null,
      summary: { 'zh-CN': short('zh-CN'), en: short('en') },
      held: {
        count: m.namedCount,
        alerts: m.named.slice(0, MAX_NAMED).map((n) => ({
          id: n.id,
          type: n.type,
          severity: n.severity,
          time: iso(n.ts),
          link: alertLink(n.id),
        })),
      },
    },
  };
}
