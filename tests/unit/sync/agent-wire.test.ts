// The zod-free copy of the wire format's runtime values that the resident agent imports
// (src/core/sync/agent-wire.ts) stays equal to the contract (src/core/sync/wire.ts).
import { describe, expect, it } from 'vitest';
import * as agentWire from '../../../src/core/sync/agent-wire.js';
import * as wire from '../../../src/core/sync/wire.js';

describe('agent-wire', () => {
  it('holds the same header names, limits and version as wire.ts', () => {
    const pairs: [unknown, unknown][] = [
      [agentWire.WIRE_VERSION, wire.WIRE_VERSION],
      [agentWire.AGENT_HEADER, wire.AGENT_HEADER],
      [agentWire.TIME_HEADER, wire.TIME_HEADER],
      [agentWire.NONCE_HEADER, wire.NONCE_HEADER],
      [agentWire.SIGNATURE_HEADER, wire.SIGNATURE_HEADER],
      [agentWire.MAX_BODY_BYTES, wire.MAX_BODY_BYTES],
      [agentWire.MAX_BATCH, wire.MAX_BATCH],
    ];
    for (const [mine, theirs] of pairs) expect(mine).toBe(theirs);
  });

  it('signs the same text as wire.ts', () => {
    const p = {
      time: 1_764_000_000_123,
      nonce: 'AAECAwQFBgcICQoLDA0ODw',
      method: 'post',
      path: '/api/v1/sync?x=1',
      bodySha256: 'ab'.repeat(32),
    };
    expect(agentWire.signedText(p)).toBe(wire.signedText(p));
    expect(agentWire.signedText({ ...p, method: 'POST' })).toBe(wire.signedText(p));
  });
});
