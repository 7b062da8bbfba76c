// The folders module on a real store and a real tree: a folder the agent cannot watch is
// never silent (status `failed` and a high-severity `watch.folder-failed`), a missing one is
// `missing`, a good one `watching`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/agent/log.js';
import type { ModuleContext } from '../../../src/agent/module.js';
import { foldersModule, unwatchablePath } from '../../../src/agent/modules/folders.js';
import type { InForce } from '../../../src/agent/policy/manager.js';
import { openStore } from '../../../src/agent/store/index.js';
import { createPlatform } from '../../../src/platform/index.js';
import { tmpDirs } from '../../unit/store/helpers.js';

const dirs = tmpDirs();
afterEach(() => dirs.cleanup());

function inForce(paths: string[]): InForce {
  return {
    name: 't',
    version: 1,
    sha256: 'x',
    policy: { scan: { interval: 600_000 }, alerts: [] } as unknown as InForce['policy'],
    folders: paths.map((path) => ({ path, level: 'AAA', recursive: true, ignore: [] })),
  };
}

async function until(what: string, ok: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('folders module', () => {
  it('says which folders are watched, missing, or cannot be watched', async () => {
    const root = join(dirs.make(), '..');
    const good = join(root, 'finance');
    mkdirSync(good);
    writeFileSync(join(good, 'plan.xlsx'), 'x');
    const missing = join(root, 'later');
    const nul = `${root}/a\u0000b`;
    const relative = 'relative/path';
    const store = openStore({ dataDir: join(root, 'data'), host: 'h', batchWindowMs: 1 });
    const m = foldersModule();
    const ctx = {
      store,
      platform: createPlatform(),
      log: createLogger(null),
    } as unknown as ModuleContext;
    try {
      await m.start(ctx);
      m.apply?.(inForce([good, missing, nul, relative]));
      await m.ready();
      const state = () =>
        ((m.status?.().watched ?? []) as { path: string; state: string }[]).map((w) => w.state);
      await until('the good folder watched', () => state()[0] === 'watching');
      expect(state()).toEqual(['watching', 'missing', 'failed', 'failed']);
      expect(m.status?.().folders).toBe(4);
      store.flush();
      const failed = store.query({ types: ['watch.folder-failed'] });
      expect(failed.map((e) => [e.data.root, e.severity, e.level])).toEqual([
        [nul, 'high', 'AAA'],
        [relative, 'high', 'AAA'],
      ]);
      // Applying the same policy again says nothing twice.
      m.apply?.(inForce([good, missing, nul, relative]));
      await m.ready();
      store.flush();
      expect(store.query({ types: ['watch.folder-failed'] })).toHaveLength(2);
      // The missing one is picked up when it appears.
      mkdirSync(missing);
      await until('the late folder watched', () => state()[1] === 'watching');
    } finally {
      await m.stop();
      store.close();
    }
  });

  it('refuses control characters and relative paths before asking the OS', () => {
    expect(unwatchablePath('/srv/finance')).toBeNull();
    expect(unwatchablePath('D:\\Finance')).toBeNull();
    expect(unwatchablePath('/tmp/a\u0000b')).toMatch(/control character/);
    expect(unwatchablePath('/tmp/a\nb')).toMatch(/control character/);
    expect(unwatchablePath('finance')).toMatch(/not absolute/);
  });
});
