// What counts as this computer's own address: the console serves plain HTTP only there, and
// the staff CLI sends a token over plain HTTP only there (anywhere else it crosses a network
// in clear text). Kept apart from commands/console.ts so the staff CLI does not load the
// server to ask.
import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1 (also IPv4-mapped, and in URL brackets), and the name localhost. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  // An IPv4-mapped address as the URL parser writes it: ::ffff:7f00:1 is 127.0.0.1.
  if (v4 !== h && /^7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(v4)) return true;
  return isIP(v4) === 4 && v4.startsWith('127.');
}
