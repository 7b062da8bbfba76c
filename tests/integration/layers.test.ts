// The layer rules (DESIGN.md "Layers") are live: depcruise passes on the tree, and each rule
// forbids what the table says for folders that do not exist yet (checked on paths, no fixtures).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/agent.js';

interface Side {
  path?: string;
  pathNot?: string;
  dependencyTypes?: string[];
  dependencyTypesNot?: string[];
  circular?: boolean;
}
interface Rule {
  name: string;
  from: Side;
  to: Side;
}
const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as {
  forbidden: Rule[];
};

/** The rules an import from `from` to `to` (of dependency type `type`) breaks. */
function broken(from: string, to: string, type = 'local'): string[] {
  const hits = (s: Side, p: string) =>
    (s.path === undefined || new RegExp(s.path).test(p)) &&
    (s.pathNot === undefined || !new RegExp(s.pathNot).test(p));
  return config.forbidden
    .filter((r) => !r.to.circular && hits(r.from, from) && hits(r.to, to))
    .filter((r) => !r.to.dependencyTypes || r.to.dependencyTypes.includes(type))
    .filter((r) => !r.to.dependencyTypesNot?.includes(type))
    .map((r) => r.name);
}

describe('layer rules', () => {
  it('pass on the tree as it is', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
        'src',
        '--config',
        '.dependency-cruiser.cjs',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it.each([
    // from, to, dependency type, allowed
    ['src/ipc/connection.ts', 'src/core/errors.ts', 'local', true],
    ['src/ipc/connection.ts', 'src/platform/paths.ts', 'local', true],
    ['src/ipc/connection.ts', 'src/platform/linux/users.ts', 'local', false],
    ['src/ipc/connection.ts', 'src/agent/store/index.ts', 'local', false],
    ['src/cli/source.ts', 'src/ipc/index.ts', 'local', true],
    ['src/cli/source.ts', 'src/agent/status.ts', 'local', true],
    ['src/cli/source.ts', 'src/platform/linux/users.ts', 'local', false],
    ['src/agent/agent.ts', 'src/ipc/index.ts', 'local', false],
    ['src/core/protocol/messages.ts', 'src/ipc/index.ts', 'local', false],
    ['src/console/server.ts', 'src/core/events/chain.ts', 'local', true],
    ['src/console/server.ts', 'src/ui/table.ts', 'local', false],
    ['src/console/web/app.ts', 'src/ui/table.ts', 'local', true],
    ['src/console/server.ts', 'src/agent/store/index.ts', 'local', false],
    ['src/ui/table.ts', 'src/core/levels.ts', 'local', true],
    ['src/ui/table.ts', 'src/ipc/index.ts', 'local', false],
    ['src/ui/table.ts', 'fs', 'core', false],
    ['src/main/tray.ts', 'src/ipc/index.ts', 'local', true],
    ['src/main/tray.ts', 'electron', 'npm', true],
    ['src/main/tray.ts', 'src/agent/agent.ts', 'local', false],
    ['src/main/tray.ts', 'src/ui/table.ts', 'local', false],
    ['src/preload/index.ts', 'electron', 'npm', true],
    ['src/preload/index.ts', 'src/core/events/types.ts', 'type-only', true],
    ['src/preload/index.ts', 'src/core/events/types.ts', 'local', false],
    ['src/preload/index.ts', 'src/ipc/index.ts', 'local', false],
    ['src/renderer/viewer.ts', 'src/ui/table.ts', 'local', true],
    ['src/renderer/viewer.ts', 'src/preload/index.ts', 'type-only', true],
    ['src/renderer/viewer.ts', 'src/preload/index.ts', 'local', false],
    // Core's pure code (catalogues, chain words, CSV): core does no I/O, so it reaches no agent.
    ['src/renderer/viewer.ts', 'src/core/events/types.ts', 'local', true],
    ['src/renderer/viewer.ts', 'src/agent/agent.ts', 'local', false],
    ['src/renderer/viewer.ts', 'src/main/ipc-guard.ts', 'local', false],
    ['src/renderer/viewer.ts', 'src/ipc/index.ts', 'local', false],
    ['src/renderer/viewer.ts', 'electron', 'npm', false],
    ['src/renderer/viewer.ts', 'net', 'core', false],
  ] as const)('%s → %s (%s): allowed %s', (from, to, type, allowed) => {
    expect(broken(from, to, type).length === 0).toBe(allowed);
  });
});
