// Codes of the event store (src/agent/store). The socket server forwards any of them to a
// client that asked, so they reach the CLI and the tray.
export const STORE_ERROR_CODES = [
  'STORE_CORRUPT',
  'STORE_UNWRITABLE',
  'STORE_MISSING',
  'STORE_TOO_NEW',
  'STORE_TOO_OLD',
  'STORE_READ_ONLY',
  'STORE_CLOSED',
  'STORE_WRITE_FAILED',
  'STORE_BAD_SIZE',
  /** Evidence (a data dir read through a private copy): evidence.ts. */
  'STORE_EVIDENCE_BUSY',
  'STORE_EVIDENCE_UNREADABLE',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];
