// The console's SQLite migrations, in order (applied by sqlite.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';

export const SQLITE_MIGRATIONS: readonly SqlMigration[] = [m001Initial];
checkNumbering(SQLITE_MIGRATIONS);
