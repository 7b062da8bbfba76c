// An in-memory account list.
import type { UserDirectory } from '../../core/ports/users.js';

export class FakeUsers implements UserDirectory {
  private readonly names = new Map<number, string>();

  constructor(entries: Record<number, string> = { 0: 'root', 1000: 'alice' }) {
    for (const [uid, name] of Object.entries(entries)) this.names.set(Number(uid), name);
  }

  add(uid: number, name: string): this {
    this.names.set(uid, name);
    return this;
  }

  remove(uid: number): void {
    this.names.delete(uid);
  }

  nameOf(uid: number): string | undefined {
    return this.names.get(uid);
  }
}
