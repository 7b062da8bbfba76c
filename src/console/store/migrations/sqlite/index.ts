// The console's SQLite migrations, in order (applied by sqlite.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';
import { m002AuditHead } from './002-audit-head.js';
import { m003AlertStateChange } from './003-alert-state-change.js';
import { m004Leases } from './004-leases.js';
import { m006Siem } from './006-siem.js';

export const SQLITE_MIGRATIONS: readonly SqlMigration[] = [
  m001Initial,
  m002AuditHead,
  m003AlertStateChange,
  m004Leases,
  // MERGE: 005 is partitions+retention's (another branch); this stand-in keeps the numbering
  // whole until it is merged, and goes then.
  { version: 5, name: 'reserved-005', sql: '' },
  m006Siem,
];
checkNumbering(SQLITE_MIGRATIONS);
