// The real agent watching a real folder, at a few hundred files per scenario: the light
// versions of tests/e2e/folders (same scenarios, same check: replaying the log gives exactly
// the tree, within 60 s, with the default scan.interval; then a clean stop and verify 0).
import { describe, it } from 'vitest';
import { usernsWatchLimitWorks } from '../../e2e/folders/harness.js';
import {
  kill9MidCopy,
  oddNamesScenario,
  oneFolder,
  renameStorm,
  sigstop,
  subFolders,
  watchLimit,
} from '../../e2e/folders/scenarios.js';

const userns = usernsWatchLimitWorks();
// A failing scenario waits out the 60 s acceptance bound, then reports the difference.
const T = 120_000;

describe('agent records watched folders so that the log replays to the tree', () => {
  it('files created inside brand-new sub-folders', () => subFolders(200), T);
  it('500 files written into one folder', () => oneFolder(500), T);
  it('rename storm', () => renameStorm(200), T);
  it(
    'SIGSTOP while files are written, then SIGCONT',
    () => sigstop(300, { stopForMs: 1000, expectOverflow: false }),
    T,
  );
  it('kill -9 in the middle of a copy, then a restart', () => kill9MidCopy(2000), T);
  it('names with newlines, spaces, Chinese and invalid UTF-8', () => oddNamesScenario(50), T);
  it.skipIf(!userns)(
    'records watch.limit when a user namespace allows 50 watches',
    () => watchLimit(60, { live: false }),
    T,
  );
});
