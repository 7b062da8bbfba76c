// Shared by the store's tests: tmp data dirs that are removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventInput } from '../../../src/core/events/types.js';

export function tmpDirs(): { make: () => string; cleanup: () => void } {
  const dirs: string[] = [];
  return {
    make() {
      const d = mkdtempSync(join(tmpdir(), 'baomi-store-'));
      dirs.push(d);
      return join(d, 'data');
    },
    cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

export function fileEvent(path: string, extra: Partial<EventInput> = {}): EventInput {
  return { type: 'file.modified', severity: 'info', data: { path }, ...extra };
}
