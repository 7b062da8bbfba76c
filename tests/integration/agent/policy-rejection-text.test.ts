// Issue 8, item 8: a refused policy's message is rendered from the event as stored, in both
// languages, with every value it names; never `{{key}}` or `{{version}}` raw. The sweep runs
// the real PolicyManager and a real store over a candidate for every rejection code; the
// last test runs `baomi agent` itself and reads its terminal.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/agent/log.js';
import { JudgeFailed, type JudgeRunner } from '../../../src/agent/policy/judge-remote.js';
import { PolicyManager, SETTLE_MS } from '../../../src/agent/policy/manager.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import { VERSION } from '../../../src/agent/version.js';
import { cliTranslator } from '../../../src/cli/i18n.js';
import { POLICY_REJECTION_CODES } from '../../../src/core/codes/policy.js';
import type { BaomiEvent, Json } from '../../../src/core/events/types.js';
import { LANGS } from '../../../src/core/i18n/types.js';
import { tryResolveFolders } from '../../../src/core/policy/folders.js';
import { judgeCandidate } from '../../../src/core/policy/judge.js';
import { parsePolicyBytes } from '../../../src/core/policy/parse.js';
import {
  describePolicyRejection,
  policyRejectionReason,
} from '../../../src/core/policy/rejection.js';
import type { PolicyOs, TrustedKey } from '../../../src/core/policy/types.js';
import { FakeClock } from '../../../src/platform/fake/clock.js';
import {
  agentDirs,
  POLICIES,
  readEvents,
  startAgentProcess,
  stopAgent,
  waitFor,
  waitForEvent,
} from '../../helpers/agent.js';

const SIGNED = join(POLICIES, 'bad-signed');
const BASE = readFileSync(join(SIGNED, 'base.yaml'), 'utf8');
const DEMO_KEY: TrustedKey = {
  name: 'DEMO-policy',
  publicKeyPem: readFileSync(join(POLICIES, 'demo-trust/policy/DEMO-policy.pub'), 'utf8'),
};
const NOW = Date.parse('2026-06-01T00:00:00Z');

/**
 * Codes no candidate file can produce, each with the reason. Any other rejection code without
 * a candidate below fails the sweep, so a new code gets a candidate (and its text is checked).
 */
const UNREACHABLE: Record<string, string> = {
  POLICY_INTERNAL: 'the parser itself crashed; a bug, not an input',
  POLICY_KEY_INVALID: 'raised when signing with a bad private key, never when judging',
  POLICY_ENUM: 'safety net: every enum of the schema names its own code (verdict, level, …)',
  POLICY_INVALID: 'safety net for a zod check the schema does not name a code for; none today',
  POLICY_KEY_NEWER_THAN_MIN: 'a warning of `policy validate`/`sign`, never a refusal',
  POLICY_STORED_UNTRUSTED:
    'raised when the kept policy is restored at start, not by a candidate file (stored-policy-trust.test.ts)',
};

/** The judge in this process: the same answers as judge-child.js (policy-judge.test.ts). */
const inProcess: JudgeRunner = async (req) => {
  if (req.op === 'judge')
    return judgeCandidate({
      ...req,
      candidateBytes: Buffer.from(req.candidateB64, 'base64'),
      agentVersion: VERSION,
    });
  const parsed = parsePolicyBytes(Buffer.from(req.bytesB64, 'base64'));
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const resolved = tryResolveFolders(parsed.policy, req);
  if (!resolved.ok) return { ok: false, issues: [resolved.issue] };
  return { ok: true, policy: parsed.policy, folders: resolved.folders };
};

/** Base with `edit` applied, unsigned: structure is judged before the signature. */
const variant = (edit: (s: string) => string) => edit(BASE);
const append = (yaml: string) => variant((s) => `${s}${yaml}\n`);

const CRAFTED: [string, string][] = [
  ['empty name', variant((s) => s.replace(/^name: .*$/m, 'name: ""'))],
  ['name with a line break', variant((s) => s.replace(/^name: .*$/m, 'name: "HQ\\nforged"'))],
  ['verdict', variant((s) => s.replace('storage: block', 'storage: maybe'))],
  [
    'usb hash',
    variant((s) => s.replace('storage: block', 'rules: [{ hash: "a b", verdict: allow }]')),
  ],
  ['folder path', append('folders:\n  - { path: 5, level: A }')],
  [
    'alert severity',
    append('alerts:\n  - { match: "file.*", count: 5, within: 5m, severity: urgent }'),
  ],
  [
    'alert count 0',
    append('alerts:\n  - { match: "file.*", count: 0, within: 5m, severity: low }'),
  ],
  [
    'alert count huge',
    append('alerts:\n  - { match: "file.*", count: 2000000, within: 5m, severity: low }'),
  ],
  ['retention size', append('retention:\n  maxSize: 2XB')],
  ['retention days', append('retention:\n  days: 0.5')],
  ['idle enum', variant((s) => s.replace('lock: true', 'lock: true\n  remindAfter: [3m]'))],
  ['pledge', append('pledge:\n  fr: "je promets"')],
  ['watermark placeholder', append('watermark:\n  enabled: true\n  text: "{user} {ip}"')],
  ['scan', append('scan: 10m')],
  [
    'long glob',
    append(`folders:\n  - { path: /srv/x, level: A, ignore: ["${'*'.repeat(5000)}"] }`),
  ],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the policy's own ${dataDir}, not JS
  ['dataDir inside', append('folders:\n  - { path: "/srv/${dataDir}/x", level: A }')],
  ['long path', append(`folders:\n  - { path: "/${'a/'.repeat(2100)}x", level: A }`)],
  ['long name', append(`folders:\n  - { path: "/srv/${'n'.repeat(300)}", level: A }`)],
  ['windows char', append("folders:\n  - { path: /srv/x, windows: 'D:\\Fi|nance', level: A }")],
  ['holds the data dir', append('folders:\n  - { path: /, level: A }')],
  ['semver', append('minAgentVersion: banana')],
  ['agent too old', append('minAgentVersion: 99.0.0')],
];

interface Seen {
  label: string;
  event: BaomiEvent;
}
const first = (seen: Map<string, Seen[]>, code: string) => seen.get(code)![0]!.event.data;

describe('policy.rejected renders fully from the stored event', () => {
  let root: string;
  let file: string;
  let store: EventStore;
  const seen = new Map<string, Seen[]>();
  const managers: PolicyManager[] = [];
  const clock = new FakeClock(NOW);

  function manager(o: { os?: PolicyOs; trusted?: TrustedKey[]; run?: JudgeRunner } = {}) {
    const m = new PolicyManager({
      file,
      trusted: o.trusted ?? [DEMO_KEY],
      store,
      dataDir: join(root, 'data'),
      os: o.os ?? 'linux',
      clock,
      log: createLogger(null),
      runJudge: o.run ?? inProcess,
    });
    managers.push(m);
    return m;
  }

  function place(body: string | Buffer | null, sig: string | Buffer | null) {
    rmSync(file, { recursive: true, force: true });
    rmSync(`${file}.sig`, { force: true });
    if (body !== null) writeFileSync(file, body);
    if (sig !== null) writeFileSync(`${file}.sig`, sig);
  }

  async function judge(label: string, m: PolicyManager) {
    const before = store.query({ order: 'desc', limit: 1 })[0]?.seq ?? 0;
    await m.judgeNow();
    // A candidate is refused once it has settled (manager.ts): not yet, when seen just now.
    clock.advance(SETTLE_MS);
    await m.idle();
    const e = store
      .query({ order: 'asc', afterSeq: before })
      .find((x) => x.type.startsWith('policy.'));
    if (e?.type === 'policy.rejected') {
      const code = String(e.data.code);
      seen.set(code, [...(seen.get(code) ?? []), { label, event: e }]);
    }
    return e;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'baomi-refusal-'));
    mkdirSync(join(root, 'etc'));
    file = join(root, 'etc', 'policy.yaml');
    store = openStore({ dataDir: join(root, 'data'), host: 'test' });
    const m = manager();

    // Nothing in force yet: a missing file, then a judge that dies. (Not start()ed: no
    // watcher judging behind the sweep's back.)
    await judge('missing', m);
    place(BASE, readFileSync(join(SIGNED, 'base.yaml.sig')));
    await judge(
      'judge dies',
      manager({ run: async () => Promise.reject(new JudgeFailed('exited with code 9')) }),
    );

    // Version 10 in force; every refusal below keeps it.
    expect((await judge('base', m))?.type).toBe('policy.applied');
    place(null, null);
    mkdirSync(file);
    await judge('a directory', m);
    rmSync(file, { recursive: true });
    symlinkSync(file, file); // a link to itself: open() fails with ELOOP
    await judge('unreadable', m);
    for (const f of readdirSync(SIGNED).filter((n) => n.endsWith('.yaml') || n.endsWith('.json'))) {
      const p = join(SIGNED, f);
      let sig: Buffer | null = null;
      try {
        sig = readFileSync(`${p}.sig`);
      } catch {}
      place(readFileSync(p), sig);
      await judge(`bad-signed/${f}`, m);
    }
    for (const f of readdirSync(join(POLICIES, 'bad')).filter((n) => !n.endsWith('.md'))) {
      place(readFileSync(join(POLICIES, 'bad', f)), null);
      await judge(`bad/${f}`, m);
    }
    for (const [label, body] of CRAFTED) {
      place(body, null);
      await judge(label, m);
    }
    place(
      readFileSync(join(SIGNED, 'wrong-os-folder.yaml')),
      readFileSync(join(SIGNED, 'wrong-os-folder.yaml.sig')),
    );
    await judge('windows', manager({ os: 'windows' }));
    place(
      readFileSync(join(SIGNED, 'downgrade.yaml')),
      readFileSync(join(SIGNED, 'downgrade.yaml.sig')),
    );
    await judge('no trusted keys', manager({ trusted: [] }));
  });

  afterAll(() => {
    for (const m of managers) m.stop();
    store?.close();
  });

  it('has a candidate for every rejection code but the unreachable ones', () => {
    const missing = POLICY_REJECTION_CODES.filter((c) => !seen.has(c) && !(c in UNREACHABLE));
    expect(missing).toEqual([]);
    for (const c of Object.keys(UNREACHABLE)) expect(seen.has(c), c).toBe(false);
  });

  it.each(POLICY_REJECTION_CODES.filter((c) => !(c in UNREACHABLE)))(
    '%s: every value its message names is in the event, in zh-CN and English',
    (code) => {
      // Every refusal of the sweep with this code (none: reported by the coverage test).
      for (const s of seen.get(code) ?? []) {
        const data = s.event.data as Record<string, Json>;
        expect(data.code).toBe(code);
        expect(data).not.toHaveProperty('reason'); // no prose stored: it is rendered
        for (const lang of LANGS) {
          const line = cliTranslator(lang)('agent.policyRejected', {
            reason: describePolicyRejection(lang, data),
          });
          expect(line, `${lang} ${s.label}`).not.toMatch(/\{\{|\}\}/);
          expect(line, `${lang} ${s.label}`).not.toContain('POLICY_');
          if (lang === 'zh-CN') expect(line).toMatch(/[\u4e00-\u9fff]/);
          expect(policyRejectionReason(lang, data)).not.toMatch(/\{\{/);
        }
      }
    },
  );

  it('names the values themselves: the version, the key, the expiry', () => {
    const text = (code: string, lang: 'en' | 'zh-CN') =>
      describePolicyRejection(lang, first(seen, code) as Record<string, Json>);
    expect(text('POLICY_DOWNGRADE', 'en')).toContain(
      'Policy version 9 is older than the one in force (10)',
    );
    expect(text('POLICY_DOWNGRADE', 'zh-CN')).toContain('策略版本 9 低于当前生效的版本（10）');
    expect(text('POLICY_EXPIRED', 'en')).toContain('expired at 2021-01-01T00:00:00Z');
    expect(text('POLICY_UNKNOWN_KEY', 'en')).toMatch(/Unknown key "(fodlers|levle)"/);
    expect(text('POLICY_EXPIRED', 'en')).toContain('Policy version 10 stays in force.');
    expect(text('POLICY_FILE_MISSING', 'en')).toContain(
      'No policy is in force: the agent runs on the fail-closed defaults',
    );
    expect(text('POLICY_FILE_MISSING', 'zh-CN')).toContain('目前没有生效的策略');
  });

  it('still shows events recorded before params were stored, by their English reason', () => {
    const old = { code: 'POLICY_DOWNGRADE', reason: 'Policy version 9 is older…', file: '/x' };
    expect(policyRejectionReason('zh-CN', old)).toBe('Policy version 9 is older…');
  });
});

describe('`baomi agent` terminal', () => {
  it.each([
    [
      'en',
      'Policy refused: Policy version 9 is older than the one in force (10)',
      'Unknown key "fodlers"',
    ],
    ['zh-CN', '已拒绝策略：策略版本 9 低于当前生效的版本（10）', '有未知的键"fodlers"'],
  ])('prints refusals with their values (%s)', async (lang, downgrade, unknownKey) => {
    const d = agentDirs();
    copyFileSync(join(SIGNED, 'base.yaml.sig'), `${d.policyFile}.sig`);
    copyFileSync(join(SIGNED, 'base.yaml'), d.policyFile);
    const agent = startAgentProcess(d, ['--lang', lang]);
    try {
      await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'base applied');
      let after = readEvents(d.dataDir).at(-1)!.seq;
      copyFileSync(join(SIGNED, 'downgrade.yaml.sig'), `${d.policyFile}.sig`);
      copyFileSync(join(SIGNED, 'downgrade.yaml'), d.policyFile);
      await waitForEvent(d.dataDir, (e) => e.type === 'policy.rejected', 'downgrade', after);
      after = readEvents(d.dataDir).at(-1)!.seq;
      rmSync(`${d.policyFile}.sig`);
      copyFileSync(join(POLICIES, 'bad', 'unknown-key-typo.yaml'), d.policyFile);
      await waitForEvent(d.dataDir, (e) => e.type === 'policy.rejected', 'unknown key', after);
      const err = await waitFor('both refusals on the terminal', () => {
        const s = agent.stderr();
        return s.includes(downgrade) && s.includes(unknownKey) && s;
      });
      expect(err).not.toMatch(/\{\{|\}\}/);
    } finally {
      await stopAgent(agent);
    }
  });
});
