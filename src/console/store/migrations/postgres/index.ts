// The console's PostgreSQL migrations, in order (applied by postgres.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';
import { m002AlertStateChange } from './002-alert-state-change.js';
import { m003Leases } from './003-leases.js';
import { m004EventPartitions } from './004-event-partitions.js';
import { m006Notify } from './006-notify.js';
import { m007PersonExport } from './007-person-export.js';

// MERGE: 005 (SIEM) is another branch's of issue 12; this empty stand-in only keeps the
// numbering whole. Replace it by the real one.
const reserved = (version: number, name: string): SqlMigration => ({ version, name, sql: '' });

export const POSTGRES_MIGRATIONS: readonly SqlMigration[] = [
  m001Initial,
  m002AlertStateChange,
  m003Leases,
  m004EventPartitions,
  reserved(5, 'reserved-siem'),
  m006Notify,
  m007PersonExport,
];
checkNumbering(POSTGRES_MIGRATIONS);
