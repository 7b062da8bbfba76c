// Issue 11's fleet suite (tests/console/fleet.suite.ts) with the console on its embedded
// SQLite datastore: a real console process and real agent processes on loopback.
import { describe } from 'vitest';
import { fleetSuite } from '../../console/fleet.suite.js';

describe('a console (SQLite) and its agents', () => {
  fleetSuite(undefined);
});
