// The console's SQLite migrations, in order (applied by sqlite.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';
import { m002AuditHead } from './002-audit-head.js';
import { m003AlertStateChange } from './003-alert-state-change.js';
import { m004Leases } from './004-leases.js';
import { m008PersonExport } from './008-person-export.js';

export const SQLITE_MIGRATIONS: readonly SqlMigration[] = [
  m001Initial,
  m002AuditHead,
  m003AlertStateChange,
  m004Leases,
  // PLACEHOLDERS for 005-007 (partitions+retention, siem, notify: other branches of issue 12)
  // so this branch numbers alone; the merge replaces these three lines with theirs.
  { version: 5, name: 'placeholder-005', sql: '' },
  { version: 6, name: 'placeholder-006', sql: '' },
  { version: 7, name: 'placeholder-007', sql: '' },
  m008PersonExport,
];
checkNumbering(SQLITE_MIGRATIONS);
