// One catalogue of errors with stable codes (STYLE.md 7). A BaomiError is an expected
// failure: its `code` (one of ERROR_CODES, codes/index.ts) names the message shown to the
// person, and `exit` is the CLI exit code (1 run-time failure, 2 bad usage or bad input).
// `new BaomiError('TYPO')` does not compile.
import type { ErrorCode } from './codes/index.js';
import type { Json } from './events/types.js';

export { ERROR_CODES, type ErrorCode, isErrorCode } from './codes/index.js';

export type ExitCode = 1 | 2;

export class BaomiError extends Error {
  constructor(
    readonly code: ErrorCode,
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
