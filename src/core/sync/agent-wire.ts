// The runtime half of the wire format (wire.ts) that the resident agent needs: header names,
// limits and the signed text. wire.ts holds the zod schemas the console validates with; the
// agent only builds requests and must not load zod (16 MB of RSS on an agent that idles at a
// few dozen: bench/footprint.mjs), so it imports these values from here and wire.ts's types
// with `import type`. tests/unit/sync/agent-wire.test.ts holds every value here equal to
// wire.ts's, so the two cannot drift apart.
export const WIRE_VERSION = 1;

export const AGENT_HEADER = 'x-baomi-agent';
export const TIME_HEADER = 'x-baomi-time';
export const NONCE_HEADER = 'x-baomi-nonce';
export const SIGNATURE_HEADER = 'x-baomi-signature';

export const MAX_BODY_BYTES = 4 * 1024 * 1024;
export const MAX_BATCH = 1000;

/** The agent's longest wait between two tries while the console fails (agent/sync/schedule.ts
 *  backs off up to it); the console waits this long after a start before it calls an agent
 *  silent, since a fleet that found it away may take that long to come back. */
export const MAX_BACKOFF_MS = 15 * 60_000;

/** Paths of the agent's routes (wire.ts: enrollRequest, syncRequest). */
export const ENROLL_PATH = '/api/v1/enroll';
export const SYNC_PATH = '/api/v1/sync';

const SIGN_DOMAIN = 'baomi-sync-v1';

/** The exact text an agent signs (wire.ts signedText, same rules). */
export function signedText(p: {
  time: number;
  nonce: string;
  method: string;
  path: string;
  bodySha256: string;
}): string {
  return [SIGN_DOMAIN, String(p.time), p.nonce, p.method.toUpperCase(), p.path, p.bodySha256].join(
    '\n',
  );
}
