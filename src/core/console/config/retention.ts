// `retention:` of the console's configuration (issue 12 §6): how long events are kept.
import * as z from 'zod';
import { duration } from './common.js';

export const retentionSchema = z
  .strictObject({
    /** Events of a type no entry of `types` names are kept this long (absent: kept). */
    default: duration.optional(),
    /** `usb.*: 365d`, `idle.reminded: 90d`: the most specific pattern wins. */
    types: z.record(z.string(), duration).default({}),
    /** PostgreSQL: the size of the event partitions. */
    partition: z.enum(['day', 'month']).default('month'),
    /** How often retention runs. */
    every: duration.default(3_600_000),
  })
  .default({ types: {}, partition: 'month', every: 3_600_000 });

export type RetentionConfig = z.output<typeof retentionSchema>;
