// A numbered schema migration of the console's database: SQL text kept in TypeScript so `tsc`
// ships it in dist/. One list per engine (sqlite/index.ts, postgres/index.ts); a version once
// released is never edited, only followed by another (STYLE.md 6).
export interface SqlMigration {
  version: number;
  name: string;
  sql: string;
}

/** Checks that a list is numbered 1, 2, 3 … in order (a wiring mistake fails at start). */
export function checkNumbering(list: readonly SqlMigration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} must have version ${i + 1}`);
  });
}
