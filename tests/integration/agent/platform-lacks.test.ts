// What the platform lacks reaches the agent's log: the lines known at start, and the lines the
// adapters find later (a notify-send that fails on a bus with no notification daemon, no
// xscreensaver on the display), each once, as they are found. Before, lines found at run time
// only joined `platform.lacks`, which nothing read after start: said to nobody.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../../src/agent/agent.js';
import { createFakePlatform, FakeSession } from '../../../src/platform/fake/index.js';
import { createPlatform } from '../../../src/platform/index.js';
import { POLICIES } from '../../helpers/agent.js';

// The compiled agent: it runs its policy judge as dist/agent/policy/judge-child.js.
const DIST_AGENT = '../../../dist/agent/agent.js';
const { startAgent } = (await import(DIST_AGENT)) as typeof import('../../../src/agent/agent.js');

let running: RunningAgent | null = null;
let root = '';
afterEach(async () => {
  await running?.stop('test');
  running = null;
  rmSync(root, { recursive: true, force: true });
});

describe('what the platform lacks', () => {
  it('is logged at start, and each line found later once, as it is found', async () => {
    root = mkdtempSync(join(tmpdir(), 'baomi-lacks-'));
    const policyFile = join(root, 'policy.yaml');
    copyFileSync(join(POLICIES, 'demo.yaml'), policyFile);
    copyFileSync(join(POLICIES, 'demo.yaml.sig'), `${policyFile}.sig`);
    const logFile = join(root, 'agent.log');
    // The real platform, with the fake's lacks (driven by the test) and no seat user.
    const fake = createFakePlatform({ lacks: ['idle: known at start'] });
    running = await startAgent({
      policyFile,
      dataDir: join(root, 'data'),
      trustDir: join(root, 'trust'),
      sockets: { agent: join(root, 'run', 'agent.sock'), admin: join(root, 'run', 'admin.sock') },
      trustDemo: true,
      lang: 'en',
      platform: {
        ...createPlatform(),
        session: new FakeSession(null),
        lacks: fake.lacks,
        onLack: fake.onLack,
      },
      logFile,
    });
    const found =
      'notifier: notify-send failed: GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown';
    fake.lack(found);
    fake.lack(found); // the platform says a line once: the second is not news
    const lines = () =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { module?: string; msg?: string });
    expect(lines().filter((l) => l.msg === found)).toEqual([
      expect.objectContaining({ module: 'platform', msg: found }),
    ]);
    expect(lines().filter((l) => l.msg === 'idle: known at start')).toHaveLength(1);
    await running.stop('test');
    running = null;
    // A stopped agent no longer listens.
    fake.lack('idle: after the stop');
    expect(lines().filter((l) => l.msg === 'idle: after the stop')).toEqual([]);
  });
});
