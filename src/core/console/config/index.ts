// The console's configuration file (`baomi console --config FILE`, YAML): what is not a
// command-line switch because it is a list or holds references to secrets. Each section is a
// file of its own; src/console/config.ts reads the file and reports a problem by its path.
import * as z from 'zod';
import { notifySchema } from './notify.js';
import { retentionSchema } from './retention.js';
import { siemSchema } from './siem.js';

export const consoleConfigSchema = z.strictObject({
  siem: siemSchema,
  notify: notifySchema,
  retention: retentionSchema,
});

export type ConsoleConfig = z.output<typeof consoleConfigSchema>;

/** The configuration of a console started without --config. */
export const DEFAULT_CONSOLE_CONFIG: ConsoleConfig = consoleConfigSchema.parse({});
