// The console's PostgreSQL migrations, in order (applied by postgres.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';
import { m002AlertStateChange } from './002-alert-state-change.js';
import { m003Leases } from './003-leases.js';
import { m004EventPartitions } from './004-event-partitions.js';

export const POSTGRES_MIGRATIONS: readonly SqlMigration[] = [
  m001Initial,
  m002AlertStateChange,
  m003Leases,
  m004EventPartitions,
];
checkNumbering(POSTGRES_MIGRATIONS);
