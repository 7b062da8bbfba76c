// Shared helpers for the folder-watcher integration tests: the real tree as the layer
// should see it, the layer's view rebuilt from emitted changes, and a poller.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { applyToMap } from '../../../src/agent/folders/diff.js';
import { segOf } from '../../../src/agent/folders/relpath.js';
import type { FileChange, SnapshotEntry, WatchNotice } from '../../../src/agent/folders/types.js';

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `baomi-folders-${tag}-`));
}

/** Non-directory entries below `root`, keyed like FileChange.rel: "rel → ino:size". */
export function realTree(root: string | Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: Buffer, rel: string) => {
    let names: Buffer[];
    try {
      names = fs.readdirSync(dir, { encoding: 'buffer' });
    } catch {
      return;
    }
    for (const n of names) {
      const p = Buffer.concat([dir, Buffer.from('/'), n]);
      const r = rel === '' ? segOf(n) : `${rel}/${segOf(n)}`;
      const st = fs.lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p, r);
      else out.set(r, `${st.ino}:${st.size}`);
    }
  };
  walk(Buffer.isBuffer(root) ? root : Buffer.from(root), '');
  return out;
}

/** The layer's view: all emitted changes applied in order. */
export class View {
  readonly files = new Map<string, SnapshotEntry>();
  readonly changes: FileChange[] = [];
  readonly notices: WatchNotice[] = [];

  apply(batch: readonly FileChange[]): void {
    for (const c of batch) {
      this.changes.push(c);
      applyToMap(this.files, c);
    }
  }

  flat(): Map<string, string> {
    return new Map(Array.from(this.files, ([k, e]) => [k, `${e.ino}:${e.size}`]));
  }
}

export function treeDiff(want: Map<string, string>, got: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of want)
    if (got.get(k) !== v)
      out.push(`missing/stale ${JSON.stringify(k)} want ${v} got ${got.get(k)}`);
  for (const [k, v] of got) if (!want.has(k)) out.push(`extra ${JSON.stringify(k)} ${v}`);
  return out;
}

/** Polls until the view equals the real tree; returns the remaining differences. */
export async function settle(
  root: string | Buffer,
  view: () => Map<string, string>,
  timeoutMs = 30_000,
): Promise<string[]> {
  const end = Date.now() + timeoutMs;
  let diff: string[] = [];
  while (Date.now() < end) {
    diff = treeDiff(realTree(root), view());
    if (diff.length === 0) {
      // Stay equal for a moment: a late batch must not undo it.
      await sleep(300);
      diff = treeDiff(realTree(root), view());
      if (diff.length === 0) return [];
    }
    await sleep(100);
  }
  return diff.slice(0, 20);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const DIST_CHILD = path.resolve(import.meta.dirname, 'watch-child.mjs');
export const DIST_INDEX = path.resolve(import.meta.dirname, '../../../dist/agent/folders/index.js');

export interface Child {
  pid: number;
  view: View;
  ready: Promise<void>;
  stop(): Promise<void>;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** Runs the compiled layer in a child (optionally wrapped, e.g. by unshare). */
export function spawnChild(cfg: object, wrap: string[] = []): Child {
  const args = [...wrap, process.execPath, DIST_CHILD, JSON.stringify(cfg)];
  const cp = spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const view = new View();
  let err = '';
  cp.stderr.on('data', (d) => {
    err += d;
  });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    onReady = r;
  });
  readline.createInterface({ input: cp.stdout }).on('line', (l) => {
    const m = JSON.parse(l);
    if (m.t === 'changes') view.apply(m.changes);
    else if (m.t === 'notice') view.notices.push(m.n);
    else if (m.t === 'ready') onReady();
  });
  const exited = new Promise<number | null>((r) => cp.on('exit', (code) => r(code)));
  return {
    pid: cp.pid!,
    view,
    ready: Promise.race([
      ready,
      exited.then((c) => {
        throw new Error(`watch child exited (${c}) before ready: ${err}`);
      }),
    ]),
    async stop() {
      cp.kill('SIGTERM');
      await exited;
    },
    exited,
    stderr: () => err,
  };
}
