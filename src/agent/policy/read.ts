// Reads a candidate policy and its signature without trusting either: never more than the
// size cap plus one byte (a 10 GB file must not fill memory), and a directory, a missing
// file or a read error becomes a reason to refuse, not a crash.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_POLICY_BYTES } from '../../core/policy/decode.js';

export type ReadResult =
  | { ok: true; bytes: Buffer }
  | {
      ok: false;
      code: 'POLICY_FILE_MISSING' | 'POLICY_NOT_A_FILE' | 'POLICY_READ_FAILED';
      reason: string;
    };

export function readCapped(file: string, cap = MAX_POLICY_BYTES + 1): ReadResult {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return { ok: false, code: 'POLICY_FILE_MISSING', reason: 'ENOENT' };
    if (err.code === 'EISDIR') return { ok: false, code: 'POLICY_NOT_A_FILE', reason: 'EISDIR' };
    return { ok: false, code: 'POLICY_READ_FAILED', reason: err.code ?? err.message };
  }
  try {
    if (!fstatSync(fd).isFile())
      return { ok: false, code: 'POLICY_NOT_A_FILE', reason: 'not a regular file' };
    const buf = Buffer.alloc(cap);
    let n = 0;
    while (n < cap) {
      const r = readSync(fd, buf, n, cap - n, null);
      if (r === 0) break;
      n += r;
    }
    return { ok: true, bytes: buf.subarray(0, n) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, code: 'POLICY_READ_FAILED', reason: err.code ?? err.message };
  } finally {
    closeSync(fd);
  }
}
