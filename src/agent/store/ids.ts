// UUIDv7 ids from the `uuid` package, fed from a pooled random buffer. uuid's default source
// calls crypto.getRandomValues for every id, which cost more than hashing the event itself in
// bench/store.js; one randomFillSync per 256 ids does not.
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let next = POOL_IDS;

// uuid's own monotonic counter is skipped when options are passed, so keep one here: ids made
// in the same millisecond still sort in the order they were made (RFC 9562 §6.2, method 1).
let lastMs = -1;
let counter = 0;

export function newEventId(nowMs: number): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const random = pool.subarray(next * 16, next * 16 + 16);
  next++;
  let msecs = nowMs;
  if (msecs > lastMs) {
    // Start each millisecond at a random 31-bit value with headroom, as uuid does.
    counter = ((random[6]! & 0x3f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    lastMs = msecs;
  } else {
    msecs = lastMs;
    counter = (counter + 1) | 0;
    if (counter === 0) lastMs = ++msecs; // wrapped: borrow the next millisecond
  }
  return v7({ random, msecs, seq: counter });
}
