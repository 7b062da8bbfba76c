// The folder layer's SnapshotStore, backed by the event store. It only reads: each change
// reaches the snapshot as an effect of the file event that records it (recorder.ts), so the
// event and the row commit in one transaction, and the layer has nothing left to apply.
import type { SnapshotEntry, SnapshotStore } from '../folders/types.js';
import type { EventStore } from '../store/index.js';

export class SqliteSnapshotStore implements SnapshotStore {
  constructor(private readonly store: EventStore) {}

  known(root: string): boolean {
    return this.store.snapshot.known(root);
  }

  get(root: string, rel: string): SnapshotEntry | undefined {
    return this.store.snapshot.get(root, rel);
  }

  list(root: string, dir: string): Map<string, SnapshotEntry> {
    return this.store.snapshot.list(root, dir);
  }

  dirsBelow(root: string, dir: string, after: string | undefined, limit: number): string[] {
    return this.store.snapshot.dirsBelow(root, dir, after, limit);
  }

  withIno(root: string, ino: number): Array<{ rel: string; entry: SnapshotEntry }> {
    return this.store.snapshot.withIno(root, ino);
  }
}
