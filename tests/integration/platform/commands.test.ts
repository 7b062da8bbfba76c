// The command runner with real child processes: output, exit codes, input, a timeout that
// kills, a program that does not exist, no shell anywhere, a minimal environment, and (as
// root) another user's uid and gid.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeCommandRunner } from '../../../src/platform/node/commands.js';

const node = process.execPath;
const run = createNodeCommandRunner({ ...process.env, BAOMI_AGENT_SECRET: 'must-not-leak' });

describe('the node command runner', () => {
  it('returns stdout, stderr and the exit code', async () => {
    const r = await run.run(node, [
      '-e',
      'console.log("out 输出"); console.error("err"); process.exit(3)',
    ]);
    expect(r).toEqual({ code: 3, stdout: 'out 输出\n', stderr: 'err\n' });
  });

  it('writes input to stdin and closes it', async () => {
    const r = await run.run(node, ['-e', 'process.stdin.pipe(process.stdout)'], {
      input: 'show State:/Users/ConsoleUser\n',
    });
    expect(r.stdout).toBe('show State:/Users/ConsoleUser\n');
    // A program that ignores its input and exits first does not break the runner (EPIPE).
    const big = 'x'.repeat(4 * 1024 * 1024);
    expect((await run.run(node, ['-e', 'process.exit(0)'], { input: big })).code).toBe(0);
  });

  it('passes arguments as they are: no shell expands or splits them', async () => {
    const tricky = ['$(touch /tmp/baomi-pwned)', '; rm -rf /', '`id`', 'a b', '"q"', '*'];
    const r = await run.run(node, [
      '-e',
      'console.log(JSON.stringify(process.argv.slice(1)))',
      ...tricky,
    ]);
    expect(JSON.parse(r.stdout)).toEqual(tricky);
    expect(fs.existsSync('/tmp/baomi-pwned')).toBe(false);
  });

  it('starts from a minimal environment plus what the caller adds', async () => {
    const r = await run.run(node, ['-e', 'console.log(JSON.stringify(process.env))'], {
      env: { DISPLAY: ':0' },
    });
    const env = JSON.parse(r.stdout) as Record<string, string>;
    expect(env.DISPLAY).toBe(':0');
    expect(env.PATH).toBeTruthy();
    expect(env.BAOMI_AGENT_SECRET).toBeUndefined();
  });

  it('kills a program that runs past its timeout and says so', async () => {
    const t0 = Date.now();
    const r = await run.run(node, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 300 });
    expect(r).toMatchObject({ code: null, timedOut: true });
    expect(Date.now() - t0).toBeLessThan(5000);
    // One that ignores SIGTERM is killed after the grace period.
    const stubborn = await run.run(
      node,
      ['-e', 'process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)'],
      { timeoutMs: 300 },
    );
    expect(stubborn).toMatchObject({ code: null, timedOut: true });
  });

  it('reports a program that does not exist as missing, not as a failure', async () => {
    expect(await run.run('baomi-no-such-tool', ['--version'])).toEqual({
      code: null,
      stdout: '',
      stderr: '',
      missing: true,
    });
    const noPath = createNodeCommandRunner({
      PATH: fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-empty-')),
    });
    expect((await noPath.run('sh', ['-c', 'true'])).missing).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)('runs as another user (root only)', async () => {
    const r = await run.run('id', ['-u'], { uid: 65534, gid: 65534 });
    expect(r).toMatchObject({ code: 0, stdout: '65534\n' });
    expect((await run.run('id', ['-g'], { uid: 65534, gid: 65534 })).stdout).toBe('65534\n');
  });
});

describe('the node command runner: long-running programs (spawnLines)', () => {
  it('delivers each line as it comes (split writes, CRLF, multibyte), then the exit', async () => {
    const lines: string[] = [];
    const script = [
      'const w = (s) => process.stdout.write(s);',
      'w("LOCK Mon"); setTimeout(() => w(" Nov 30\\r\\nRUN 3"), 50);',
      'setTimeout(() => { w("8\\n"); w(Buffer.from([0xe9, 0x94])); }, 100);',
      'setTimeout(() => { w(Buffer.from([0x81, 0x0a])); w("tail"); console.error("bye"); process.exit(4); }, 150);',
    ].join(' ');
    const p = run.spawnLines(node, ['-e', script], {}, (l) => lines.push(l));
    expect(await p.exited).toEqual({ code: 4, stdout: '', stderr: 'bye\n' });
    expect(lines).toEqual(['LOCK Mon Nov 30', 'RUN 38', '锁', 'tail']);
  });

  it('close() ends it (SIGKILL after the grace for one that ignores SIGTERM)', async () => {
    const lines: string[] = [];
    const p = run.spawnLines(
      node,
      ['-e', 'process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)'],
      { env: { BAOMI_X: '1' } },
      (l) => lines.push(l),
    );
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    p.close();
    p.close();
    const r = await p.exited;
    expect(r.code).toBeNull();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(lines).toEqual(['up']);
  });

  it('a missing program, a timeout, and a callback that throws', async () => {
    const missing = run.spawnLines('baomi-no-such-tool', ['-watch'], {}, () => {});
    expect(await missing.exited).toMatchObject({ code: null, missing: true });
    const slow = run.spawnLines(
      node,
      ['-e', 'setInterval(() => {}, 1000)'],
      { timeoutMs: 200 },
      () => {},
    );
    expect(await slow.exited).toMatchObject({ code: null, timedOut: true });
    const thrower = run.spawnLines(
      node,
      ['-e', 'setInterval(() => console.log("x"), 20)'],
      {},
      () => {
        throw new Error('parse bug');
      },
    );
    expect(await thrower.exited).toMatchObject({ code: null, stderr: 'onLine threw: parse bug' });
  });

  it.runIf(process.getuid?.() === 0)('runs as another user (root only)', async () => {
    const lines: string[] = [];
    const p = run.spawnLines('id', ['-u'], { uid: 65534, gid: 65534 }, (l) => lines.push(l));
    expect((await p.exited).code).toBe(0);
    expect(lines).toEqual(['65534']);
  });
});
