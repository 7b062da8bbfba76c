// The folder layer's SnapshotStore, backed by the event store. It only reads: each change
// reaches the snapshot as an effect of the file event that records it (recorder.ts), so the
// event and the row commit in one transaction, and the layer has nothing left to apply.
import type { SnapshotEntry, SnapshotStore } from '../folders/types.js';
import type { EventStore } from '../store/index.js';

export class SqliteSnapshotStore implements SnapshotStore {
  constructor(private readonly store: EventStore) {}

  load(root: string): Map<string, SnapshotEntry> | null {
    return this.store.snapshot.load(root);
  }
}
