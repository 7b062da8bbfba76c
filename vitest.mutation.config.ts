import { defineConfig } from 'vitest/config';
import { unitProject } from './vitest.config.js';

// What `npm run test:mutation` (stryker.config.json) runs against each mutant: the unit
// project only. A mutant must be killed by a fast test of the module itself; integration
// tests that happen to cover it would hide a weak unit suite and cost minutes per mutant.
export default defineConfig({ test: { projects: [unitProject] } });
