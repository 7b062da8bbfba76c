// The console's SQLite migrations, in order (applied by sqlite.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';
import { m002AuditHead } from './002-audit-head.js';
import { m003AlertStateChange } from './003-alert-state-change.js';
import { m004Leases } from './004-leases.js';
import { m005Retention } from './005-retention.js';
import { m006Siem } from './006-siem.js';
import { m007Notify } from './007-notify.js';
import { m008PersonExport } from './008-person-export.js';
import { m009Cases } from './009-cases.js';
import { m010Overview } from './010-overview.js';

export const SQLITE_MIGRATIONS: readonly SqlMigration[] = [
  m001Initial,
  m002AuditHead,
  m003AlertStateChange,
  m004Leases,
  m005Retention,
  m006Siem,
  m007Notify,
  m008PersonExport,
  m009Cases,
  m010Overview,
];
checkNumbering(SQLITE_MIGRATIONS);
