// The recorder on a real store and real files, through restarts: the watcher keeps no file in
// memory (issue 8, "Scale"), so what an event says about a file it no longer sees (a deletion's
// size and owner, a rename's old path) comes from the store's snapshot rows. Each event must
// carry exactly what it carried when the watcher kept every file in memory: path, size, owner,
// and the offline and baseline flags.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFolderRecorder } from '../../../src/agent/files/recorder.js';
import { createLogger } from '../../../src/agent/log.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import { createPlatform } from '../../../src/platform/index.js';
import { sleep, tmpDir } from './helpers.js';

const platform = createPlatform();
const cleanup: Array<() => void> = [];
afterEach(() => {
  while (cleanup.length) cleanup.pop()!();
});

const OWNER = 54_321; // no such user here: the event says "uid:54321"

async function recorder(store: EventStore, root: string) {
  return startFolderRecorder({
    store,
    folders: [{ path: root, level: 'AAA', recursive: true, ignore: [] }],
    scanIntervalMs: 0,
    log: createLogger(null),
    platform,
  });
}

/** file.* events after `seq` (hashes left out), as "type path" → data. */
function fileEvents(store: EventStore, afterSeq: number) {
  store.flush();
  return store
    .query({ afterSeq })
    .filter((e) => e.type.startsWith('file.') && e.type !== 'file.hashed')
    .map((e) => ({ type: e.type, ...e.data }));
}

async function until(what: string, ok: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('events for files the watcher no longer holds in memory', () => {
  it.runIf(process.getuid?.() === 0)(
    'as root: offline and live changes read size and owner back from the store',
    async () => {
      const base = tmpDir('recorder-store');
      cleanup.push(() => fs.rmSync(base, { recursive: true, force: true }));
      const root = path.join(base, 'watched');
      const data = path.join(base, 'data');
      const f = (rel: string) => path.join(root, rel);
      for (const d of ['a', 'b', 'c', 'd', 'e/deep']) fs.mkdirSync(f(d), { recursive: true });
      fs.writeFileSync(f('a/x'), 'xxx');
      fs.writeFileSync(f('b/y'), 'yyyyy');
      fs.writeFileSync(f('c/z'), 'zz');
      fs.writeFileSync(f('e/deep/w'), 'wwww');
      fs.chownSync(f('b/y'), OWNER, OWNER);
      fs.chownSync(f('e/deep/w'), OWNER, OWNER);
      const me = platform.users.nameOf(0) ?? 'uid:0';

      let store = openStore({ dataDir: data, host: 'h', batchWindowMs: 1 });
      let rec = await recorder(store, root);
      const baseline = fileEvents(store, 0);
      expect(baseline).toContainEqual(
        expect.objectContaining({
          type: 'file.created',
          path: f('b/y'),
          size: 5,
          owner: `uid:${OWNER}`,
          baseline: true,
          detectedBy: 'scan',
        }),
      );
      expect(baseline).toHaveLength(4);
      await rec.stop();
      store.close();

      // While the agent is down: a modification, a deletion (another owner), a move across
      // folders, a new file.
      fs.appendFileSync(f('a/x'), 'more');
      fs.unlinkSync(f('b/y'));
      fs.renameSync(f('c/z'), f('d/z'));
      fs.writeFileSync(f('d/new'), 'n');
      store = openStore({ dataDir: data, host: 'h', batchWindowMs: 1 });
      let seq = store.head().seq;
      rec = await recorder(store, root);
      const offline = fileEvents(store, seq);
      const common = { root, detectedBy: 'scan', offline: true };
      expect(offline).toEqual(
        expect.arrayContaining([
          { type: 'file.modified', path: f('a/x'), size: 7, owner: me, ...common },
          { type: 'file.deleted', path: f('b/y'), size: 5, owner: `uid:${OWNER}`, ...common },
          {
            type: 'file.renamed',
            path: f('d/z'),
            oldPath: f('c/z'),
            size: 2,
            owner: me,
            ...common,
          },
          { type: 'file.created', path: f('d/new'), size: 1, owner: me, ...common },
        ]),
      );
      expect(offline).toHaveLength(4);

      // Live: a deletion and a folder moved away (its files' rows are all the watcher knows).
      seq = store.head().seq;
      fs.unlinkSync(f('a/x'));
      fs.renameSync(f('e'), path.join(base, 'outside'));
      await until('the live changes', () => fileEvents(store, seq).length >= 2);
      await sleep(200);
      const live = { root, detectedBy: 'watch' };
      expect(fileEvents(store, seq)).toEqual(
        expect.arrayContaining([
          { type: 'file.deleted', path: f('a/x'), size: 7, owner: me, ...live },
          { type: 'file.deleted', path: f('e/deep/w'), size: 4, owner: `uid:${OWNER}`, ...live },
        ]),
      );
      expect(fileEvents(store, seq)).toHaveLength(2);
      expect([...(store.snapshot.load(root)?.keys() ?? [])].sort()).toEqual(['d/new', 'd/z']);
      await rec.stop();
      store.close();
    },
  );
});
