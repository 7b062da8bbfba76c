// The console's PostgreSQL migrations, in order (applied by postgres.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';
import { m002AlertStateChange } from './002-alert-state-change.js';
import { m003Leases } from './003-leases.js';
import { m007PersonExport } from './007-person-export.js';

export const POSTGRES_MIGRATIONS: readonly SqlMigration[] = [
  m001Initial,
  m002AlertStateChange,
  m003Leases,
  // PLACEHOLDERS for 004-006 (partitions+retention, siem, notify: other branches of issue 12)
  // so this branch numbers alone; the merge replaces these three lines with theirs.
  { version: 4, name: 'placeholder-004', sql: '' },
  { version: 5, name: 'placeholder-005', sql: '' },
  { version: 6, name: 'placeholder-006', sql: '' },
  m007PersonExport,
];
checkNumbering(POSTGRES_MIGRATIONS);
