// The console's PostgreSQL migrations, in order (applied by postgres.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';
import { m002AlertStateChange } from './002-alert-state-change.js';
import { m003Leases } from './003-leases.js';
import { m004EventPartitions } from './004-event-partitions.js';
import { m005Siem } from './005-siem.js';
import { m006Notify } from './006-notify.js';
import { m007PersonExport } from './007-person-export.js';
import { m008Cases } from './008-cases.js';
import { m009Overview } from './009-overview.js';

export const POSTGRES_MIGRATIONS: readonly SqlMigration[] = [
  m001Initial,
  m002AlertStateChange,
  m003Leases,
  m004EventPartitions,
  m005Siem,
  m006Notify,
  m007PersonExport,
  m008Cases,
  m009Overview,
];
checkNumbering(POSTGRES_MIGRATIONS);
