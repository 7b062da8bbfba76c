// One catalogue of errors with stable codes (STYLE.md 7). A BaomiError is an expected
// failure: its `code` is also the i18n key of the message shown to the person, and `exit`
// is the CLI exit code (1 run-time failure, 2 bad usage or bad input).
import type { Json } from './events/types.js';

export type ExitCode = 1 | 2;

export class BaomiError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, Json> = {},
    readonly exit: ExitCode = 1,
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'BaomiError';
  }
}

export function isBaomiError(e: unknown): e is BaomiError {
  return e instanceof BaomiError;
}
