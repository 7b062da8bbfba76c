// Reads `baomi console --config FILE` (YAML; core/console/config/index.ts is its schema).
// Every problem is reported with its place ("line 4, column 7: notify.channels[0].url: …"),
// all of them at once, before anything starts: a typo in a SIEM sink or a retention rule must
// stop the console with a message, never run it without the sink or with data kept forever.
// Paths to secrets and certificates are resolved against the file's directory and must be
// readable now (not at the first alert hours later).
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import {
  type ConsoleConfig,
  consoleConfigSchema,
  DEFAULT_CONSOLE_CONFIG,
} from '../core/console/config/index.js';
import { BaomiError } from '../core/errors.js';
import { formatPath, locate } from '../core/policy/locate.js';

const MAX_PROBLEMS = 10;
const MAX_BYTES = 1 << 20;

export { DEFAULT_CONSOLE_CONFIG };

/** Parses the text of a configuration file; throws CONSOLE_CONFIG_INVALID listing every problem. */
export function parseConsoleConfig(text: string, file: string): ConsoleConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const problems: string[] = [];
  for (const e of doc.errors) {
    const at = lc.linePos(e.pos[0]);
    problems.push(`line ${at.line}, column ${at.col}: ${e.message.split('\n')[0]}`);
  }
  if (problems.length === 0) {
    const data = doc.toJS({ maxAliasCount: 100 }) ?? {};
    const parsed = consoleConfigSchema.safeParse(data);
    if (parsed.success) return parsed.data;
    for (const i of parsed.error.issues) {
      const keys = i.code === 'unrecognized_keys' ? i.keys : [undefined];
      for (const key of keys) {
        const path = key === undefined ? i.path : [...i.path, key];
        const at = locate(doc, lc, i.path, key);
        const what = key === undefined ? i.message : 'unknown key (a typo?)';
        problems.push(`line ${at.line}, column ${at.col}: ${formatPath(path) || '(top)'}: ${what}`);
      }
    }
  }
  const shown = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more`);
  throw new BaomiError('CONSOLE_CONFIG_INVALID', { file, problems: shown.join('; ') }, 2);
}

/** Reads and checks the file; the paths inside it come back absolute and readable. */
export function loadConsoleConfig(file: string): ConsoleConfig {
  let text: string;
  try {
    const buf = readFileSync(file);
    if (buf.length > MAX_BYTES)
      throw Object.assign(new Error('larger than 1 MiB'), { code: 'EFBIG' });
    text = buf.toString('utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BaomiError('CONSOLE_CONFIG_UNREADABLE', { file, reason: err.code ?? err.message }, 2);
  }
  const config = parseConsoleConfig(text, file);
  const base = dirname(resolve(file));
  const checked = (p: string, key: string): string => {
    const abs = isAbsolute(p) ? p : resolve(base, p);
    try {
      accessSync(abs, constants.R_OK);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new BaomiError(
        'CONSOLE_CONFIG_INVALID',
        { file, problems: `${key}: ${abs} cannot be read (${reason})` },
        2,
      );
    }
    return abs;
  };
  config.siem.forEach((s, i) => {
    if (s.ca) s.ca = checked(s.ca, `siem[${i}].ca`);
  });
  config.notify.channels.forEach((c, i) => {
    if (c.kind === 'webhook')
      c.secretFile = checked(c.secretFile, `notify.channels[${i}].secretFile`);
    else {
      if (c.passwordFile)
        c.passwordFile = checked(c.passwordFile, `notify.channels[${i}].passwordFile`);
      if (c.ca) c.ca = checked(c.ca, `notify.channels[${i}].ca`);
    }
  });
  checkNames(config, file);
  return config;
}

/** Names are unique per list, and rules name channels that exist. */
function checkNames(config: ConsoleConfig, file: string): void {
  const problems: string[] = [];
  const dupes = (names: string[], where: string) => {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) problems.push(`${where}: the name ${n} is used twice`);
      seen.add(n);
    }
  };
  dupes(
    config.siem.map((s) => s.name),
    'siem',
  );
  dupes(
    config.notify.channels.map((c) => c.name),
    'notify.channels',
  );
  dupes(
    (config.notify.rules ?? []).map((r) => r.name),
    'notify.rules',
  );
  const channels = new Set(config.notify.channels.map((c) => c.name));
  (config.notify.rules ?? []).forEach((r, i) => {
    for (const c of r.channels ?? [])
      if (!channels.has(c)) problems.push(`notify.rules[${i}].channels: no channel is named ${c}`);
  });
  if (problems.length > 0)
    throw new BaomiError('CONSOLE_CONFIG_INVALID', { file, problems: problems.join('; ') }, 2);
}
