// Acceptance: with the default scan.interval (10 min), every scenario ends with the event log
// replaying to the real tree (nothing missing, nothing invented) within 60 s. Full size:
// 20,000 files for SIGSTOP and kill -9, 5,000 into one folder. Runs against the compiled
// agent (npm run build). One file, so the scenarios run one after another: they compete for
// two cores otherwise, and the 60 s bound is about the agent, not about the test runner.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { ROOT } from '../../helpers/agent.js';
import { usernsWatchLimitWorks } from './harness.js';
import {
  kill9MidCopy,
  oddNamesScenario,
  oneFolder,
  renameStorm,
  sigstop,
  subFolders,
  watchLimit,
} from './scenarios.js';

const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const userns = usernsWatchLimitWorks();

describe.skipIf(!built)('watched folders: the log replays to the tree (full size)', () => {
  it('files created inside brand-new sub-folders (5,000 + cp -r + mv in/out)', () =>
    subFolders(5000));
  it('5,000 files written into one folder', () => oneFolder(5000));
  it('rename storm over 5,000 files', () => renameStorm(5000));
  it('agent stopped with SIGSTOP while 20,000 files are written, then continued (queue overflow)', () =>
    sigstop(20_000, { stopForMs: 12_000, expectOverflow: true }));
  it('kill -9 in the middle of a 20,000-file copy, then a restart', () => kill9MidCopy(20_000));
  it('names with newlines, spaces, Chinese and invalid UTF-8 (2,000 random byte names)', () =>
    oddNamesScenario(2000));
  it.skipIf(!userns)('watch limit lowered to 50 in a user namespace, 200 folders', () =>
    watchLimit(200, { live: true, extraMs: 120_000 }),
  );
});
