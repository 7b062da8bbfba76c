// Runs the real `baomi` command (compiled JS, as installed) in a child process against
// temporary directories, and reads what it recorded straight from its database.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore } from '../../src/agent/store/index.js';
import type { BaomiEvent } from '../../src/core/events/types.js';
import { generateKeyPair, signPolicy } from '../../src/core/policy/signature.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/baomi.js');
export const POLICIES = join(ROOT, 'policies');

export interface AgentDirs {
  root: string;
  dataDir: string;
  policyDir: string;
  policyFile: string;
  trustDir: string;
  socketDir: string;
}

/** Fresh directories; the trust dir trusts the DEMO key that signs the policies/ fixtures. */
export function agentDirs(): AgentDirs {
  const root = mkdtempSync(join(tmpdir(), 'baomi-agent-'));
  const d = {
    root,
    dataDir: join(root, 'data'),
    policyDir: join(root, 'etc'),
    policyFile: join(root, 'etc', 'policy.yaml'),
    trustDir: join(root, 'trust'),
    socketDir: join(root, 'run'),
  };
  mkdirSync(d.policyDir, { recursive: true });
  cpSync(join(POLICIES, 'demo-trust'), d.trustDir, { recursive: true });
  return d;
}

export function runCli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LANG: 'en_US.UTF-8', ...env },
    timeout: 30_000,
    maxBuffer: 256 * 1024 * 1024, // whole exports (spawnSync's default 1 MiB kills the child)
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface AgentProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `agent` and the flags that point it at the test's directories. */
export function agentArgs(d: AgentDirs): string[] {
  return [
    'agent',
    '--policy',
    d.policyFile,
    '--data-dir',
    d.dataDir,
    '--trust-dir',
    d.trustDir,
    '--socket',
    d.socketDir,
  ];
}

/**
 * Starts `baomi agent` on the dirs. `wrap` is a command line the agent runs under, e.g.
 * `unshare … sh -c '…; exec "$0" "$@"'` (the node command line is appended to it).
 */
export function startAgentProcess(
  d: AgentDirs,
  extra: string[] = [],
  wrap: string[] = [],
): AgentProcess {
  const [cmd, ...args] = [...wrap, process.execPath, BIN, ...agentArgs(d), ...extra];
  const child = spawn(cmd!, args, {
    env: { ...process.env, LANG: 'en_US.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  child.stderr!.on('data', (c) => {
    err += c;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Every event in the data dir, oldest first (read-only, like `baomi events --data-dir`). */
export function readEvents(dataDir: string): BaomiEvent[] {
  const store = openStore({ dataDir, host: 'test', readOnly: true });
  try {
    return store.query({ order: 'asc' });
  } catch {
    return [];
  } finally {
    store.close();
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = probe();
      if (v) return v;
    } catch {
      // not there yet (database not created, socket not listening)
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitForEvent(
  dataDir: string,
  pred: (e: BaomiEvent) => boolean,
  what: string,
  afterSeq = 0,
): Promise<BaomiEvent> {
  return waitFor(what, () => readEvents(dataDir).find((e) => e.seq > afterSeq && pred(e)));
}

export async function stopAgent(p: AgentProcess, signal: NodeJS.Signals = 'SIGTERM') {
  p.child.kill(signal);
  return p.exited;
}

/**
 * Writes `yaml` as the agent's policy, signed by a test key that the dirs' trust dir trusts
 * (generated once per AgentDirs and kept in its trust dir).
 */
export function installSignedPolicy(d: AgentDirs, yaml: string): void {
  const keys = signingKeys.get(d.root) ?? generateKeyPair();
  if (!signingKeys.has(d.root)) {
    signingKeys.set(d.root, keys);
    mkdirSync(join(d.trustDir, 'policy'), { recursive: true });
    writeFileSync(join(d.trustDir, 'policy', 'test.pub'), keys.publicKeyPem, { mode: 0o644 });
  }
  const bytes = Buffer.from(yaml, 'utf8');
  writeFileSync(`${d.policyFile}.sig`, signPolicy(bytes, keys.privateKeyPem));
  writeFileSync(d.policyFile, bytes);
}
const signingKeys = new Map<string, { privateKeyPem: string; publicKeyPem: string }>();

/** A policy text with the required keys and the given extra YAML. */
export function policyYaml(version: number, extra: string): string {
  return [
    `version: ${version}`,
    'name: 测试策略 test policy',
    'issued: 2026-01-01T00:00:00Z',
    'expires: 2099-01-01T00:00:00Z',
    extra,
  ].join('\n');
}

/**
 * An exception key pair made by `baomi exception keygen` in a folder of its own, its public half
 * trusted by the agent for exceptions only (`<trust dir>/exceptions/`). Returns the folder.
 */
export function trustExceptionKey(trustDir: string): string {
  const keys = mkdtempSync(join(tmpdir(), 'baomi-exception-keys-'));
  const k = runCli(['exception', 'keygen', 'security', '--out', keys]);
  if (k.code !== 0) throw new Error(`exception keygen failed: ${k.stderr}`);
  mkdirSync(join(trustDir, 'exceptions'), { recursive: true, mode: 0o755 });
  copyFileSync(join(keys, 'security.pub'), join(trustDir, 'exceptions', 'security.pub'));
  return keys;
}

/** A token `baomi exception issue` makes with that key: `device` for `user`, two hours. */
export function issueToken(keys: string, device: string, user: string): string {
  const r = runCli([
    'exception',
    'issue',
    '--device',
    device,
    '--user',
    user,
    '--for',
    '2h',
    '--reason',
    '审计部门拷贝账目 audit copy',
    '--key',
    join(keys, 'security.key'),
    '--log',
    join(keys, 'issued.log'),
    '--out',
    join(keys, `t-${Date.now()}-${Math.random().toString(36).slice(2)}.bmx`),
  ]);
  if (r.code !== 0) throw new Error(`exception issue failed: ${r.stderr}`);
  return r.stdout.trim().split('\n')[0]!;
}
