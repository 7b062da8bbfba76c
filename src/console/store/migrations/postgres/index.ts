// The console's PostgreSQL migrations, in order (applied by postgres.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';
import { m002AlertStateChange } from './002-alert-state-change.js';
import { m003Leases } from './003-leases.js';
import { m006Notify } from './006-notify.js';
import { m007PersonExport } from './007-person-export.js';

// MERGE: 004 (partitions and retention) and 005 (SIEM) are other branches' of issue 12; these
// empty stand-ins only keep the numbering whole. Replace them by the real ones.
const reserved = (version: number, name: string): SqlMigration => ({ version, name, sql: '' });

export const POSTGRES_MIGRATIONS: readonly SqlMigration[] = [
  m001Initial,
  m002AlertStateChange,
  m003Leases,
  reserved(4, 'reserved-retention'),
  reserved(5, 'reserved-siem'),
  m006Notify,
  m007PersonExport,
];
checkNumbering(POSTGRES_MIGRATIONS);
