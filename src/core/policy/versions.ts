// Version skew between policies and agents (DESIGN.md "Policy sources"). Agents refuse unknown
// keys, so a policy that uses a key from a newer release names the oldest agent that knows it
// in `minAgentVersion`; an older agent then refuses the policy for that reason, and
// `policy validate` warns when a policy uses keys newer than the version it names.
//
// POLICY_KEYS_SINCE records the release each key came in. Add a row with every new key (a unit
// test compares this table with the schema); never change a row.
// Imports nothing of the policy core: the schema depends on it.

/** Semantic Versioning 2.0.0, the whole grammar (https://semver.org/#backusnaur-form-grammar). */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** The release an agent that knows nothing newer is: the first one. */
export const FIRST_AGENT_VERSION = '0.1.0';

const V = FIRST_AGENT_VERSION;
/** USB device control (issue 9): the `class` matcher and alert rules counted per user. */
const V0_2 = '0.2.0';
/** The tray (issue 14): the screen watermark. */
const V0_3 = '0.3.0';
/** Key path (lists as `[]`) → the agent release that first understood it. */
export const POLICY_KEYS_SINCE: Readonly<Record<string, string>> = {
  $schema: V,
  version: V,
  name: V,
  issued: V,
  expires: V,
  minAgentVersion: V,
  usb: V,
  'usb.storage': V,
  'usb.rules': V,
  'usb.rules[].vendor': V,
  'usb.rules[].product': V,
  'usb.rules[].serial': V,
  'usb.rules[].hash': V,
  'usb.rules[].class': V0_2,
  'usb.rules[].verdict': V,
  'usb.rules[].note': V,
  'usb.whileLocked': V,
  idle: V,
  'idle.remindAfter': V,
  'idle.repeat': V,
  'idle.lockAfter': V,
  'idle.lock': V,
  folders: V,
  'folders[].path': V,
  'folders[].linux': V,
  'folders[].windows': V,
  'folders[].darwin': V,
  'folders[].level': V,
  'folders[].recursive': V,
  'folders[].ignore': V,
  scan: V,
  'scan.interval': V,
  alerts: V,
  'alerts[].match': V,
  'alerts[].level': V,
  'alerts[].count': V,
  'alerts[].within': V,
  'alerts[].severity': V,
  'alerts[].per': V0_2,
  sync: V,
  'sync.console': V,
  'sync.interval': V,
  'sync.batch': V,
  retention: V,
  'retention.days': V,
  'retention.maxSize': V,
  pledge: V,
  'pledge.zh-CN': V,
  'pledge.en': V,
  watermark: V0_3,
  'watermark.enabled': V0_3,
  'watermark.text': V0_3,
  'watermark.opacity': V0_3,
};

/** <0, 0, >0 as a precedes, equals, follows b (semver precedence; build metadata ignored). */
export function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) throw new Error(`not a semantic version: ${pa ? b : a}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  const ra = pa[4];
  const rb = pb[4];
  if (ra === undefined || rb === undefined) return ra === rb ? 0 : ra === undefined ? 1 : -1;
  const xa = ra.split('.');
  const xb = rb.split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const x = xa[i];
    const y = xb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? -1 : 1; // numeric identifiers sort before alphanumeric ones
    return x < y ? -1 : 1;
  }
  return 0;
}

export interface NewerKey {
  /** Table key, e.g. "usb.rules[].class". */
  key: string;
  /** Where it is written, e.g. ["usb", "rules", 1, "class"]. */
  path: (string | number)[];
  since: string;
}

/**
 * Keys written in `data` (the policy as parsed, before defaults) that came in a release after
 * `min`. Keys not in the table are left alone: the schema reports those.
 */
export function keysNewerThan(
  data: unknown,
  min: string,
  table: Readonly<Record<string, string>> = POLICY_KEYS_SINCE,
): NewerKey[] {
  const found: NewerKey[] = [];
  const walk = (value: unknown, path: (string | number)[], prefix: string) => {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, [...path, i], `${prefix}[]`);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      const key = prefix ? `${prefix}.${k}` : k;
      const since = table[key];
      if (since === undefined) continue;
      if (compareSemver(since, min) > 0) found.push({ key, path: [...path, k], since });
      walk(v, [...path, k], key);
    }
  };
  walk(data, [], '');
  return found;
}
