// Issue 11's fleet suite (tests/console/fleet.suite.ts) with the console on PostgreSQL: a
// throwaway role and database on the local cluster over TCP (tests/helpers/postgres.ts),
// dropped at the end.
import { afterAll, beforeAll, describe } from 'vitest';
import { fleetSuite } from '../../console/fleet.suite.js';
import {
  type PostgresHandle,
  postgresUnavailableReason,
  withPostgres,
} from '../../helpers/postgres.js';

const why = postgresUnavailableReason();
let handle: PostgresHandle | undefined;

describe.skipIf(why !== null)(
  `a console (PostgreSQL) and its agents${why ? ` (skipped: ${why})` : ''}`,
  () => {
    // Before the suite's own beforeAll (hooks run in the order they are declared).
    beforeAll(async () => {
      handle = await withPostgres();
    });
    afterAll(async () => {
      await handle?.cleanup();
    });
    fleetSuite(() => handle!.url);
  },
);
