// The console's PostgreSQL migrations, in order (applied by postgres.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';
import { m002AlertStateChange } from './002-alert-state-change.js';
import { m003Leases } from './003-leases.js';
import { m005Siem } from './005-siem.js';

export const POSTGRES_MIGRATIONS: readonly SqlMigration[] = [
  m001Initial,
  m002AlertStateChange,
  m003Leases,
  // MERGE: 004 is partitions+retention's (another branch); this stand-in keeps the numbering
  // whole until it is merged, and goes then.
  { version: 4, name: 'reserved-004', sql: '' },
  m005Siem,
];
checkNumbering(POSTGRES_MIGRATIONS);
