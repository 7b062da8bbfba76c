// How the CLI words USB devices and decisions, for `baomi usb list` and the detail column of
// `baomi events`: the rule that decided (usb.rules[0] and its note, usb.storage, an exception)
// and a device as `vendor:product "product name" serial S`. Device strings come from the
// device itself (attacker-controlled) and are escaped here; so is a rule's note.
import type { Translate } from '../core/i18n/translate.js';
import { usbRuleKey } from '../core/usb/decided-text.js';
import type { DecidedBy } from '../core/usb/types.js';
import { printable } from './printable.js';
import { formatTime } from './time.js';

/** A verdict (allow, block, read-only, audit) in the reader's language; anything else escaped. */
export function verdictText(t: Translate, v: unknown): string {
  const s = printable(String(v));
  return t(`cli.usb.verdict.${s}`, { defaultValue: s });
}

/** The rule that decided, in the reader's language (escaped for a terminal). */
export function ruleText(t: Translate, r: DecidedBy): string {
  const { key, params, defaultValue } = usbRuleKey(r);
  const safe = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? printable(v) : v]),
  );
  return t(key, { ...safe, defaultValue: printable(defaultValue) });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `vendor:product "product name" serial S`, from a device as events carry it. */
export function deviceText(t: Translate, d: Record<string, unknown>): string {
  const parts = [`${printable(str(d.vendor) ?? '?')}:${printable(str(d.product) ?? '?')}`];
  const name = str(d.productName);
  if (name !== undefined) parts.push(`"${printable(name)}"`);
  const serial = str(d.serial);
  if (serial !== undefined) parts.push(t('cli.events.usb.serial', { serial: printable(serial) }));
  return parts.join(' ');
}

const VERDICT_EVENTS = new Set(['usb.allowed', 'usb.blocked', 'usb.read-only']);

/** The detail of a usb.* event for the events table, or null for one worded elsewhere. */
export function usbEventDetail(
  t: Translate,
  type: string,
  d: Record<string, unknown>,
  utc = false,
): string | null {
  if (type === 'usb.connected') {
    const device = deviceText(t, d);
    return d.atStart === true ? `${device} ${t('cli.events.usb.atStart')}` : device;
  }
  if (type === 'usb.removed') return deviceText(t, d);
  if (VERDICT_EVENTS.has(type)) return verdictDetail(t, d);
  if (type === 'usb.enforcement-lost') return lostDetail(t, d);
  if (type === 'usb.exception-ended')
    return t('cli.events.usb.exceptionEnded', {
      id: printable(str(d.id) ?? '?'),
      device: printable(str(d.device) ?? '?'),
      user: printable(str(d.user) ?? '?'),
      notAfter: moment(d.notAfter, utc),
    });
  // Which token, for what and whom, its window, and the reason it was given for.
  if (type === 'usb.exception')
    return t('cli.events.usb.exceptionGranted', {
      id: printable(str(d.id) ?? '?'),
      device: printable(str(d.device) ?? '?'),
      user: printable(str(d.user) ?? '?'),
      notBefore: moment(d.notBefore, utc),
      notAfter: moment(d.notAfter, utc),
      reason: printable(str(d.reason) ?? ''),
    });
  if (type === 'usb.exception-refused') {
    const code = str(d.code) ?? '?';
    const params = (d.params && typeof d.params === 'object' ? d.params : {}) as Record<
      string,
      unknown
    >;
    return `${code}: ${t(code, params)}`;
  }
  return null;
}

/** A time in an event's data, as the table's own times are written (local, with offset). */
function moment(ms: unknown, utc: boolean): string {
  return typeof ms === 'number' && Number.isFinite(ms) ? formatTime(ms, utc) : '?';
}

function verdictDetail(t: Translate, d: Record<string, unknown>): string {
  const parts = [deviceText(t, d)];
  const rule = d.rule as DecidedBy | undefined;
  if (rule && typeof rule === 'object' && typeof rule.by === 'string')
    parts.push(`— ${ruleText(t, rule)}`);
  if (d.verdict === 'audit') parts.push(t('cli.events.usb.audit'));
  // Composite devices: interfaces decided otherwise than the device (a keyboard's card reader).
  if (Array.isArray(d.interfaceVerdicts)) {
    const list = (d.interfaceVerdicts as Record<string, unknown>[])
      .map((i) => `${printable(String(i?.number))} ${verdictText(t, i?.verdict)}`)
      .join(', ');
    parts.push(t('cli.events.usb.interfaces', { list }));
  }
  if (typeof d.applied === 'string')
    parts.push(
      t('cli.events.usb.applied', {
        verdict: verdictText(t, d.verdict),
        applied: verdictText(t, d.applied),
      }),
    );
  if (d.readOnlyFellBack === true) parts.push(t('cli.events.usb.readOnlyFellBack'));
  if (d.gone === true) parts.push(t('cli.events.usb.gone'));
  if (typeof d.error === 'string') parts.push(`(${printable(d.error)})`);
  if (d.enforced === false) parts.push(t('cli.events.usb.notEnforced'));
  return parts.join(' ');
}

function lostDetail(t: Translate, d: Record<string, unknown>): string {
  // One device the system did not hold as decided (a deauthorize that failed).
  if (d.why === 'device')
    return t('cli.events.usb.lostDevice', {
      device: deviceText(t, d),
      verdict: verdictText(t, d.verdict),
      applied: verdictText(t, d.applied),
      reason: printable(str(d.reason) ?? '?'),
    });
  const names = (v: unknown) =>
    Array.isArray(v) && v.length > 0 ? v.map((x) => printable(String(x))).join(', ') : '—';
  const why = t(`cli.events.usb.why.${String(d.why)}`, { defaultValue: printable(String(d.why)) });
  if (d.resealed === true) return t('cli.events.usb.lostResealed', { open: names(d.open), why });
  const reason = str(d.reason);
  return t('cli.events.usb.lostOpen', {
    open: names(d.open),
    why,
    stillOpen: names(d.stillOpen ?? d.open),
    reason: reason ? t(reason) : '',
  });
}
