// One batch to a collector over TCP or TLS, and the only acknowledgement plain syslog over
// TCP has: the collector closing its side after reading the batch.
//
// Each batch has a connection of its own: connect, write the batch (octet-counted frames,
// RFC 6587 §3.4.1), close our side (FIN; TLS: close_notify then FIN), and wait. A collector
// like rsyslog's imtcp reads until the end of the stream and then closes its side: when that
// FIN comes after everything was written, and no error or reset came with it, the collector
// has read the whole batch and the batch counts as delivered. Anything else (refused, TLS
// refused, reset, the collector closing before we finished, no close within the timeout) is
// a failure of the whole batch, which is sent again later (forwarder.ts). A failed
// connection is reset (RST), so the collector's side learns at once that it is dead. (Linux
// still hands the bytes it had received to a reader after a reset: a collector that was only
// stuck and reads later takes that batch as well, and the batch sent again is a duplicate.)
//
// What this cannot see: a collector that read the batch and died before writing all of it
// out. Its kernel then closes the connection just as the collector would have (no unread
// data: a FIN, not a reset), and the batch counts as delivered. rsyslog reads a batch with
// one recv and writes it out before its next, so that window is the time it takes to write
// one batch; no rsyslog configuration closes it (bench/siem.mjs measured it; README "SIEM
// export" says what holds and what a SIEM should do).
//
// Memory: one batch (at most a few tens of KiB) per sink, whatever the collector does.
import { isIP, Socket } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { failureOf, type SiemFailureCode } from '../../core/console/siem/delivery.js';

export interface Collector {
  /** As configured: tcp://HOST:PORT, tls://HOST:PORT or relp://HOST:PORT. */
  url: string;
  tls: boolean;
  /** RELP (relp.ts): every message acknowledged by the collector. */
  relp: boolean;
  host: string;
  port: number;
  /** tls: the CA certificate(s) (PEM); absent: Node's bundled CAs. */
  ca?: string;
}

export interface DeliverTimeouts {
  /** Until the connection (and the TLS handshake) is up. */
  connectMs: number;
  /** From then until the collector has closed its side. */
  closeMs: number;
}

export const DEFAULT_TIMEOUTS: DeliverTimeouts = { connectMs: 10_000, closeMs: 10_000 };

/** A batch not delivered: a SIEM_* code (core/codes/siem.ts) and its params. */
export class DeliveryError extends Error {
  constructor(
    readonly code: SiemFailureCode,
    readonly params: { [k: string]: string | number },
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'DeliveryError';
  }
}

/** tcp://, tls:// or relp://HOST:PORT (the config's form; [v6] in brackets). */
export function parseCollector(url: string, ca?: string): Collector {
  const m = /^(tcp|tls|relp):\/\/(\[[^\]]+\]|[^\s/:]+):(\d{1,5})$/.exec(url);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65_535)
    throw new Error(`not tcp://HOST:PORT, tls://HOST:PORT or relp://HOST:PORT: ${url}`);
  const host = m[2]!.replace(/^\[(.*)\]$/, '$1');
  return {
    url,
    tls: m[1] === 'tls',
    relp: m[1] === 'relp',
    host,
    port,
    ...(ca === undefined ? {} : { ca }),
  };
}

/** Sends `batch` on a connection of its own; resolves once the collector closed its side
 *  after reading all of it, rejects with a DeliveryError otherwise. */
export function deliverBatch(
  c: Collector,
  batch: Uint8Array,
  t: DeliverTimeouts = DEFAULT_TIMEOUTS,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const raw = new Socket({ allowHalfOpen: true });
    let stream: Socket | TLSSocket = raw;
    let connected = false;
    let written = false;
    let done = false;

    const finish = (err: DeliveryError | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        // A reset: the collector's side learns at once that the connection is dead.
        if (!raw.destroyed) {
          try {
            raw.resetAndDestroy();
          } catch {
            raw.destroy();
          }
        }
        stream.destroy();
        reject(err);
      } else {
        stream.destroy();
        resolve();
      }
    };
    const fail = (code: SiemFailureCode, reason: string) =>
      finish(new DeliveryError(code, { url: c.url, reason }));

    let timer = setTimeout(() => {
      fail(
        connected ? 'SIEM_TIMEOUT' : 'SIEM_UNREACHABLE',
        connected ? 'timeout' : 'connect timeout',
      );
    }, t.connectMs);

    const onUp = () => {
      connected = true;
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish(
          new DeliveryError('SIEM_TIMEOUT', {
            url: c.url,
            seconds: Math.round(t.closeMs / 100) / 10,
            reason: written ? 'no close from the collector' : 'the collector does not read',
          }),
        );
      }, t.closeMs);
      stream.end(batch, () => {
        written = true;
      });
    };

    raw.on('error', (e: NodeJS.ErrnoException) => fail(failureOf(e.code), e.code ?? e.message));
    if (c.tls) {
      const options: ConnectionOptions & { allowHalfOpen: boolean } = {
        socket: raw,
        // Node checks the certificate's names against `servername` (or the IP address).
        ...(isIP(c.host) ? {} : { servername: c.host }),
        host: c.host,
        ...(c.ca === undefined ? {} : { ca: c.ca }),
        minVersion: 'TLSv1.2',
        rejectUnauthorized: true,
        allowHalfOpen: true,
      };
      const tlsSocket = tlsConnect(options);
      stream = tlsSocket;
      tlsSocket.on('error', (e: NodeJS.ErrnoException) =>
        fail(connected ? failureOf(e.code) : tlsFailure(e), e.code ?? e.message),
      );
      tlsSocket.once('secureConnect', onUp);
    } else {
      raw.once('connect', onUp);
    }
    // Nothing is expected from the collector; whatever it says is read and dropped, so its
    // close (the end of the stream) is seen.
    stream.on('data', () => {});
    stream.once('end', () => {
      if (written) finish(null);
      else fail('SIEM_CLOSED_EARLY', 'closed before the batch was written');
    });
    stream.once('close', () => fail('SIEM_CLOSED_EARLY', 'closed'));
    raw.connect({ host: c.host, port: c.port });
  });
}

/** A TLS error before the handshake finished is a TLS failure, unless the TCP connection
 *  itself failed (refused: unreachable). */
function tlsFailure(e: NodeJS.ErrnoException): SiemFailureCode {
  const f = failureOf(e.code);
  return f === 'SIEM_UNREACHABLE' ? f : 'SIEM_TLS_FAILED';
}
