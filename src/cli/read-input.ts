import { readFileSync, statSync } from 'node:fs';
import { BaomiError } from '../core/errors.js';

/** Reads a file named on the command line; a missing or unreadable file is bad input (exit 2). */
export function readInput(file: string, maxBytes = 16 * 1024 * 1024): Buffer {
  try {
    const st = statSync(file);
    if (!st.isFile()) {
      const code = st.isDirectory() ? 'EISDIR' : 'ENOTREG';
      throw Object.assign(new Error('not a regular file'), { code });
    }
    if (st.size > maxBytes) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
    return readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BaomiError('CLI_READ_FAILED', { file, reason: err.code ?? err.message }, 2);
  }
}
