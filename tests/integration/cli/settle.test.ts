// settle.ts in a real Node process: after a start-up burst that grows V8's young generation
// to its maximum and ends right before the loop goes quiet (the case that left the agent at
// 72.5 MiB in bench:footprint), settling gives the young generation back, both what is
// reserved and what is committed. The outcome depends on V8's heuristics (settle.ts says
// which): this test is what tells when a Node release changes them.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../../helpers/agent.js';

const SETTLE = join(ROOT, 'dist/cli/settle.js');

const child = `
import v8 from 'node:v8';
const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
const before = young().space_size;
const { settleWhenIdle } = await import(${JSON.stringify(SETTLE)});
// Survivors grow the young generation to its maximum; then garbage fills it up again.
let keep = [];
for (let r = 0; r < 40; r++) {
  for (let i = 0; i < 20000; i++) keep.push({ i, s: 'x' + i });
  if (keep.length > 200000) keep = keep.slice(100000);
}
keep = null;
let junk;
for (let i = 0; i < 5000; i++) junk = { a: i, b: [i] };
const grown = young().space_size;
const timer = setInterval(() => {}, 1000); // an idle process, like the agent
settleWhenIdle(() => {
  const y = young();
  process.stdout.write(JSON.stringify({ before, grown, after: y.space_size, committed: y.physical_space_size }));
  clearInterval(timer);
});
`;

it('gives the young generation back after a start-up burst', () => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
    encoding: 'utf8',
    timeout: 45_000,
    env: { ...process.env, BAOMI_NO_SETTLE: '' },
  });
  expect(r.stderr).toBe('');
  const o = JSON.parse(r.stdout) as Record<string, number>;
  // The burst did grow it (else this test proves nothing).
  expect(o.grown).toBeGreaterThanOrEqual(8 * o.before!);
  expect(o.after).toBe(o.before);
  // Committed: at most half of what is reserved (the half given up is released too).
  expect(o.committed).toBeLessThanOrEqual(o.after! / 2);
});
