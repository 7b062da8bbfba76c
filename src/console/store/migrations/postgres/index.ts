// The console's PostgreSQL migrations, in order (applied by postgres.ts migrate()).
import { checkNumbering, type SqlMigration } from '../types.js';
import { m001Initial } from './001-initial.js';

export const POSTGRES_MIGRATIONS: readonly SqlMigration[] = [m001Initial];
checkNumbering(POSTGRES_MIGRATIONS);
