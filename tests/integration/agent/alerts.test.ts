// Early warning (预报) on the real agent: a burst of changes in an AAA folder raises one
// alert.raised with the rule and a sample, and only once per window.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  type AgentProcess,
  agentDirs,
  installSignedPolicy,
  policyYaml,
  readEvents,
  startAgentProcess,
  stopAgent,
  waitFor,
  waitForEvent,
} from '../../helpers/agent.js';

let agent: AgentProcess | null = null;
afterEach(async () => {
  if (agent) await stopAgent(agent);
  agent = null;
});

it('raises one critical alert when an AAA folder sees more than 45 file changes in 5 minutes', async () => {
  const d = agentDirs();
  const finance = join(d.root, 'finance');
  const hr = join(d.root, 'hr');
  mkdirSync(finance);
  mkdirSync(hr);
  installSignedPolicy(
    d,
    policyYaml(
      1,
      [
        'folders:',
        `  - { path: ${finance}, level: AAA }`,
        `  - { path: ${hr}, level: A }`,
        'alerts:',
        '  - { match: "file.*", level: AAA, count: 45, within: 5m, severity: critical }',
      ].join('\n'),
    ),
  );
  agent = startAgentProcess(d);
  await waitFor('both folders scanned', () =>
    readEvents(d.dataDir).filter((e) => e.type === 'scan.completed').length === 2 ? true : null,
  );
  // 30 changes in the A folder: below the rule's level, no alert.
  for (let i = 0; i < 30; i++) writeFileSync(join(hr, `名单-${i}.txt`), 'x');
  await waitFor('hr files recorded', () =>
    readEvents(d.dataDir).filter((e) => e.type === 'file.created' && e.level === 'A').length === 30
      ? true
      : null,
  );
  // 40 new files in the AAA folder (and their 40 hashes, which are not activity): no alert yet.
  for (let i = 0; i < 40; i++) writeFileSync(join(finance, `报表-${i}.xlsx`), 'x');
  await waitFor('finance files hashed', () =>
    readEvents(d.dataDir).filter((e) => e.type === 'file.hashed' && e.level === 'AAA').length === 40
      ? true
      : null,
  );
  expect(readEvents(d.dataDir).filter((e) => e.type === 'alert.raised')).toEqual([]);
  // 20 more: the 46th change raises one alert, and the rest of the burst no second one.
  for (let i = 40; i < 60; i++) writeFileSync(join(finance, `报表-${i}.xlsx`), 'x');
  const alert = await waitForEvent(d.dataDir, (e) => e.type === 'alert.raised', 'alert');
  await waitFor('finance files recorded', () =>
    readEvents(d.dataDir).filter((e) => e.type === 'file.created' && e.level === 'AAA').length ===
    60
      ? true
      : null,
  );
  expect(alert.severity).toBe('critical');
  expect(alert.level).toBe('AAA');
  const data = alert.data as {
    rule: { match: string; count: number; within: string };
    sample: { type: string; path?: string }[];
  };
  expect(data.rule).toMatchObject({ match: 'file.*', count: 45, within: '5m' });
  expect(data.sample.length).toBeGreaterThan(0);
  expect(
    data.sample.every((s) => s.type.startsWith('file.') && String(s.path).startsWith(finance)),
  ).toBe(true);
  expect(readEvents(d.dataDir).filter((e) => e.type === 'alert.raised')).toHaveLength(1);
});
