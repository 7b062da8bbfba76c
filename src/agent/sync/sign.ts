// Signs one request to the console (DESIGN decision in core/sync/wire.ts): Ed25519 with the
// key made at enrollment over signedText({time, nonce, method, path, bodySha256}); the
// console holds only the public half. A fresh random nonce per request, so a replay within
// the console's clock window is refused there.
import { createHash, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  AGENT_HEADER,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  signedText,
  TIME_HEADER,
} from '../../core/sync/agent-wire.js';

export interface SignInput {
  method: string;
  /** The path with any query, exactly as sent. */
  path: string;
  body: Buffer;
  /** ms since the epoch. */
  time: number;
  /** Default: 16 random bytes, base64url. */
  nonce?: string;
}

export function signedHeaders(
  key: KeyObject,
  agentId: string,
  p: SignInput,
): Record<string, string> {
  const nonce = p.nonce ?? randomBytes(16).toString('base64url');
  const text = signedText({
    time: p.time,
    nonce,
    method: p.method,
    path: p.path,
    bodySha256: createHash('sha256').update(p.body).digest('hex'),
  });
  const signature = sign(null, Buffer.from(text, 'utf8'), key).toString('base64url');
  return {
    [AGENT_HEADER]: agentId,
    [TIME_HEADER]: String(p.time),
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: signature,
  };
}
