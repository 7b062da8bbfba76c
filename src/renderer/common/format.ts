// Times in this computer's zone, counts with grouped digits, and an agent's refusal as one
// sentence (issue 14 §5). Pure.
import type { Translate } from '../../core/i18n/translate.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A time in this computer's zone as `2026-12-02 11:35:06`, the same in both languages: a log's
 * times read unambiguously and sort as text. Written by hand, not with Intl: a renderer's first
 * Intl formatter loads the locale's data, ~50-80 ms on the first paint's path (bench:viewer).
 */
export function when(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A whole count with its thousands grouped by commas, as both zh-CN and English write them
 *  (by hand for the reason above). */
export function count(n: number): string {
  const s = String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}

const NO_AGENT = new Set([
  'SOCKET_UNREACHABLE',
  'SOCKET_DENIED',
  'SOCKET_TIMEOUT',
  'SOCKET_CLOSED',
  'SOCKET_AGENT_STARTING',
  'AGENT_STARTING',
]);

/**
 * An agent's refusal as a message carries it: its code at the end, then its params as JSON
 * ("… Error: EXCEPTION_WRONG_USER {"user":"zhang.san"}"; core/errors.ts, as Electron passes it
 * on). Anchored at the end, so a code-like word inside the params (a user named ZHANG_SAN, a
 * forged token's field) is never taken for the code.
 */
const REFUSAL = /(?:^|[\s:])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?: (\{.*\}))?\s*$/s;

/** The error code a message ends with (FOO_BAR, before its params), or null. */
export function codeOf(message: string): string | null {
  return REFUSAL.exec(message)?.[1] ?? null;
}

/**
 * Why a call to the agent failed, in the reader's words: the tray rejects with the agent's code
 * in the message (Electron wraps it: "Error invoking remote method …: Error: PROTOCOL_…"), which
 * core's catalogues word; a message with no known code is shown as it is. `times`: params
 * holding an RFC 3339 moment, shown in this computer's zone.
 */
export function reasonOf(t: Translate, err: unknown, times: readonly string[] = []): string {
  const message = err instanceof Error ? err.message : String(err);
  // The tray's main process refused the call before it reached the agent (ipc-guard.ts).
  if (/(?:^|[\s:])REFUSED:[a-z-]+\s*$/.test(message)) return t('error.refused');
  const m = REFUSAL.exec(message);
  if (!m) return message;
  const code = m[1]!;
  // The socket's own words are the CLI's (--data-dir, the socket's path): the tray says it its way.
  if (NO_AGENT.has(code)) return t('error.noAgent');
  let params: Record<string, unknown> = {};
  if (m[2]) {
    try {
      params = JSON.parse(m[2]) as Record<string, unknown>;
    } catch {
      // no params: the sentence shows without them
    }
  }
  // Moments the agent sends as RFC 3339 (an exception token's notBefore, notAfter): local time.
  for (const k of times) {
    const ms = typeof params[k] === 'string' ? Date.parse(params[k] as string) : Number.NaN;
    if (Number.isFinite(ms)) params[k] = when(ms);
  }
  return t(code, params);
}
