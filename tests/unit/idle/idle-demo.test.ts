// The idle demo policy does what its comments promise: a first reminder 20 s into idleness,
// then every 20 s, never a lock, USB audited.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createReminder } from '../../../src/core/idle/reminder.js';
import { parsePolicyBytes } from '../../../src/core/policy/index.js';
import { idleSince, S, T0 } from './helpers.js';

describe('policies/examples/idle-demo.yaml', () => {
  it('reminds within a minute of starting, every 20 s, and never locks', () => {
    const r = parsePolicyBytes(readFileSync('policies/examples/idle-demo.yaml'));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.policy.name).toMatch(/DEMO/);
    expect(r.policy.usb.storage).toBe('audit');
    expect(r.policy.idle).toEqual({
      remindAfter: 20 * S,
      repeat: 20 * S,
      lockAfter: 60 * S,
      lock: false,
    });
    // Above the DEMO policy's version, so it applies in a data dir where demo.yaml was.
    const demo = parsePolicyBytes(readFileSync('policies/demo.yaml'));
    expect(demo.ok && r.policy.version > demo.policy.version).toBe(true);

    const m = createReminder(r.policy.idle);
    const away = idleSince(0);
    const actions: { type: string; t: number; n?: number }[] = [];
    for (let t = 0; t <= 90 * S; t = m.nextCheckAt()! - T0)
      for (const a of m.observe(away(t)))
        actions.push({ type: a.type, t, ...(a.type === 'remind' ? { n: a.n } : {}) });
    expect(actions).toEqual([
      { type: 'remind', t: 20 * S, n: 1 },
      { type: 'remind', t: 40 * S, n: 2 },
      { type: 'remind', t: 60 * S, n: 3 },
      { type: 'remind', t: 80 * S, n: 4 },
    ]);
  });
});
