// A batch that cannot be committed rejects its appends and tells the failure listeners, so
// the agent can stop instead of running without recording.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';

it('reports a failed commit to onFailure and rejects the append', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baomi-fail-'));
  const store = openStore({ dataDir, host: 'h' });
  await store.append({ type: 'agent.started', severity: 'info', data: {} });
  const failures: unknown[] = [];
  store.onFailure((e) => failures.push(e));
  // Make every later commit fail the way a broken disk would: the table is gone (changed on
  // a connection of the test's own, as anything else with access to the file could).
  const db = new Database(join(dataDir, 'baomi.db'));
  db.exec('ALTER TABLE events RENAME TO events_gone');
  db.close();
  await expect(
    store.append({ type: 'agent.stopped', severity: 'info', data: {} }),
  ).rejects.toBeTruthy();
  expect(failures).toHaveLength(1);
});
