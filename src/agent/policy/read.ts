// Reads a candidate policy and its signature without trusting either: never more than the
// size cap plus one byte (a 10 GB file must not fill memory), and a directory, a missing
// file or a read error becomes a reason to refuse, not a crash.
//
// The buffer is sized from the file (fstat), not from the cap, and grows only if the file
// grew meanwhile. Memory: a buffer of the cap (1 MiB + 1) for a 200-byte policy cost the
// resident agent ~3 MiB for good, through glibc's malloc. A block that large is mmap'd, and
// freeing one raises glibc's mmap threshold to its size and its trim threshold to twice that
// (malloc(3), M_MMAP_THRESHOLD: "dynamic"). From then on no thread's arena gives memory back
// unless 2 MiB of it is free at once, so the transient work of V8's worker threads at start-up
// (compiler zones, GC worklists) stayed resident: arenas of threads other than the main one
// held 3.9–4.3 MiB with 0.06 MiB in use (gdb `call malloc_stats()` on the settled agent of
// bench:footprint), 1.0–1.4 MiB once the policy was read into a buffer of its own size.
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
    const st = fstatSync(fd);
    if (!st.isFile())
      return {
        ok: false,
        code: 'POLICY_NOT_A_FILE',
        reason: st.isDirectory() ? 'EISDIR' : 'ENOTREG',
      };
    // One byte more than the file holds, so its end is seen in the first read.
    let buf = Buffer.alloc(Math.min(cap, st.size + 1));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n >= cap) break;
        // The file grew since fstat: read on, never past the cap.
        const bigger = Buffer.alloc(Math.min(cap, n * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
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
