import type { Db } from '../types.js';

/**
 * One schema step. Migrations are forever (STYLE.md 6): never edit one that has shipped; add
 * the next number. `up` runs inside a transaction together with the user_version bump.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}
