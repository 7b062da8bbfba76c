// The opaque cursor of an events page: base64url of the JSON [ts, agentId, seq] of the last
// row given out. Opaque to clients, but parsed strictly here: it ends up as query parameters,
// and a cursor this console did not make is refused (CONSOLE_DB_BAD_CURSOR, a 400), never
// guessed at.
import { BaomiError } from '../../core/errors.js';

export interface EventKey {
  ts: number;
  agentId: string;
  seq: number;
}

export function encodeCursor(k: EventKey): string {
  return Buffer.from(JSON.stringify([k.ts, k.agentId, k.seq]), 'utf8').toString('base64url');
}

const MAX_CURSOR = 400;

export function decodeCursor(s: string): EventKey {
  const bad = () => new BaomiError('CONSOLE_DB_BAD_CURSOR', {}, 2);
  if (s.length === 0 || s.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(s)) throw bad();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(v) || v.length !== 3) throw bad();
  const [ts, agentId, seq] = v as unknown[];
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) throw bad();
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw bad();
  if (typeof agentId !== 'string' || agentId.length > 200) throw bad();
  return { ts, agentId, seq };
}
