// Keeps the right policy in force. The file and its signature are judged together once both
// have been quiet for QUIET_MS (IT copies them one after the other; editors write in pieces).
// A valid, signed, newer policy is applied with `policy.applied`; anything else is refused
// with `policy.rejected` and the last good policy stays in force, across restarts too (it is
// kept in the store). SECURITY: when in doubt, keep the policy in force; never fall back to
// "no policy" because a file went missing.
import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Lang } from '../../core/i18n/types.js';
import { tryResolveFolders } from '../../core/policy/folders.js';
import { judgeCandidate } from '../../core/policy/judge.js';
import { parsePolicyBytes } from '../../core/policy/parse.js';
import type { Policy, PolicyOs, ResolvedFolder, TrustedKey } from '../../core/policy/types.js';
import type { Logger } from '../log.js';
import { englishReason } from '../messages.js';
import type { EventStore } from '../store/index.js';
import { readCapped } from './read.js';

export const QUIET_MS = 400;
const SAFETY_POLL_MS = 60_000;

export interface InForce {
  policy: Policy;
  /** This machine's folders: per-OS variant chosen, ${dataDir} expanded. */
  folders: ResolvedFolder[];
  name: string;
  version: number;
  sha256: string;
}

export interface PolicyManagerOptions {
  file: string;
  trusted: TrustedKey[];
  store: EventStore;
  dataDir: string;
  os: PolicyOs;
  now: () => number;
  log: Logger;
  /** Called after a new policy is in force (and on start with the restored one). */
  onApplied?: (p: InForce) => void;
}

export const SUMMARY_KEY = 'policy.summary';

export class PolicyManager {
  #current: InForce | null = null;
  #lastJudged = '';
  #timer: NodeJS.Timeout | null = null;
  #poll: NodeJS.Timeout | null = null;
  #watcher: FSWatcher | null = null;
  #judging: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(private readonly o: PolicyManagerOptions) {}

  get current(): InForce | null {
    return this.#current;
  }

  /** Restores the last good policy from the store, judges the file on disk, starts watching. */
  async start(): Promise<void> {
    this.#restore();
    await this.judgeNow();
    this.#watch();
    this.#poll = setInterval(() => this.#schedule(), SAFETY_POLL_MS);
    this.#poll.unref();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#poll) clearInterval(this.#poll);
    this.#watcher?.close();
  }

  /** Waits for any judgement in progress (tests and shutdown). */
  idle(): Promise<void> {
    return this.#judging;
  }

  #restore(): void {
    const stored = this.o.store.getPolicy();
    if (!stored) return;
    const parsed = parsePolicyBytes(stored.bytes);
    const resolved = parsed.ok
      ? tryResolveFolders(parsed.policy, { dataDir: this.o.dataDir, os: this.o.os })
      : null;
    if (!parsed.ok || !resolved?.ok) {
      // Only if this version's schema became stricter than the one that applied it.
      this.o.log.error({ module: 'policy' }, 'stored policy no longer parses; none in force');
      return;
    }
    this.#current = {
      policy: parsed.policy,
      folders: resolved.folders,
      name: parsed.policy.name,
      version: stored.version,
      sha256: stored.sha256,
    };
    this.o.onApplied?.(this.#current);
  }

  #watch(): void {
    const dir = dirname(this.o.file);
    const names = new Set([basename(this.o.file), `${basename(this.o.file)}.sig`]);
    try {
      this.#watcher = watch(dir, { persistent: true }, (_ev, name) => {
        if (!name || names.has(name.toString())) this.#schedule();
      });
      this.#watcher.on('error', () => this.#rewatchLater());
    } catch {
      this.#rewatchLater();
    }
  }

  /** The folder holding the policy is missing or went away: look again every 2 s. */
  #rewatchLater(): void {
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#stopped) return;
    const t = setTimeout(() => {
      this.#schedule();
      this.#watch();
    }, 2000);
    t.unref();
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.judgeNow();
    }, QUIET_MS);
  }

  judgeNow(): Promise<void> {
    this.#judging = this.#judging
      .then(() => this.#judge())
      .catch((e) => {
        this.o.log.error({ module: 'policy', err: String(e) }, 'policy judgement failed');
      });
    return this.#judging;
  }

  async #judge(): Promise<void> {
    const file = this.o.file;
    const body = readCapped(file);
    const sig = readCapped(`${file}.sig`, 4096);
    const fingerprint = [body, sig]
      .map((r) => (r.ok ? createHash('sha256').update(r.bytes).digest('hex') : r.code))
      .join(':');
    if (fingerprint === this.#lastJudged) return; // nothing changed since we last decided
    this.#lastJudged = fingerprint;

    if (!body.ok) {
      await this.#reject({ code: body.code, params: { file, reason: body.reason } });
      return;
    }
    const verdict = judgeCandidate({
      candidateBytes: body.bytes,
      sigText: sig.ok ? sig.bytes.toString('utf8') : null,
      trusted: this.o.trusted,
      inForce: this.#current
        ? { version: this.#current.version, sha256: this.#current.sha256 }
        : null,
      now: this.o.now(),
      dataDir: this.o.dataDir,
      os: this.o.os,
    });
    if (verdict.verdict === 'same') return;
    if (verdict.verdict === 'reject') {
      const first = verdict.issues[0];
      await this.#reject({
        code: verdict.code,
        params: { file, ...verdict.params },
        ...(first ? { line: first.line, col: first.col } : {}),
      });
      return;
    }
    const { policy, sha256, keyName, folders } = verdict;
    const next: InForce = { policy, folders, name: policy.name, version: policy.version, sha256 };
    await this.o.store.append(
      {
        type: 'policy.applied',
        severity: 'info',
        data: {
          file,
          name: policy.name,
          version: policy.version,
          sha256,
          key: keyName,
          previousVersion: this.#current?.version ?? null,
        },
      },
      {
        // The policy in force and the event that says so are durable together.
        apply: () => {
          this.o.store.setPolicy({
            bytes: body.bytes,
            signature: sig.ok ? sig.bytes : Buffer.alloc(0),
            version: policy.version,
            sha256,
          });
          this.o.store.setState(
            SUMMARY_KEY,
            JSON.stringify({ name: policy.name, version: policy.version, folders: folders.length }),
          );
        },
      },
    );
    this.#current = next;
    this.o.log.info(
      { module: 'policy', name: policy.name, version: policy.version },
      'policy applied',
    );
    this.o.onApplied?.(next);
  }

  async #reject(r: { code: string; params: Record<string, unknown>; line?: number; col?: number }) {
    const reason = englishReason(r.code, r.params);
    const data: Record<string, unknown> = {
      file: this.o.file,
      code: r.code,
      reason,
      inForceVersion: this.#current?.version ?? null,
    };
    if (r.line !== undefined) data.line = r.line;
    if (r.col !== undefined) data.col = r.col;
    await this.o.store.append({ type: 'policy.rejected', severity: 'high', data: data as never });
    this.o.log.warn({ module: 'policy', code: r.code, reason }, 'policy refused');
  }
}

export type { Lang };
