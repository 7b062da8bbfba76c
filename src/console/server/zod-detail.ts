import type * as z from 'zod';

/** Where a body failed its zod schema, without echoing the values sent. */
export function zodDetail(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('; ');
}
