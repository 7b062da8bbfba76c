// Codes of the places where the event chain does not hold (src/core/events/verify.ts), one
// per break kind. Not thrown: a break is a finding, shown by `baomi verify`, the agent's
// banner and `status`, and later the console and the tray, so the text is in core
// (core/events/messages.ts).
import type { ChainBreakKind } from '../events/verify.js';

export const CHAIN_BREAK_CODES = [
  'CHAIN_HASH',
  'CHAIN_LINK',
  'CHAIN_GAP',
  'CHAIN_MISSING_PREFIX',
  'CHAIN_TRUNCATED',
  'CHAIN_HEAD_MISMATCH',
  'CHAIN_HEAD_MISSING',
  'CHAIN_HEAD_UNREADABLE',
] as const;
export type ChainBreakCode = (typeof CHAIN_BREAK_CODES)[number];

const BY_KIND: Record<ChainBreakKind, ChainBreakCode> = {
  hash: 'CHAIN_HASH',
  link: 'CHAIN_LINK',
  gap: 'CHAIN_GAP',
  'missing-prefix': 'CHAIN_MISSING_PREFIX',
  truncated: 'CHAIN_TRUNCATED',
  'head-mismatch': 'CHAIN_HEAD_MISMATCH',
  'head-missing': 'CHAIN_HEAD_MISSING',
  'head-unreadable': 'CHAIN_HEAD_UNREADABLE',
};

/** The message code of a break kind; undefined for a kind this version does not know. */
export function chainBreakCode(kind: string): ChainBreakCode | undefined {
  return Object.hasOwn(BY_KIND, kind) ? BY_KIND[kind as ChainBreakKind] : undefined;
}
