// RELP (rsyslog's Reliable Event Logging Protocol, imrelp): a batch whose every message the
// collector acknowledges, so a collector killed mid-batch costs nothing (issue 12 §3).
//
// A frame is `TXNR SP COMMAND SP DATALEN [SP DATA] LF`; DATALEN counts DATA's octets, so a
// line break inside DATA (hostile event text) cannot end a frame early. Each batch has a
// connection of its own: `open` with our offers, wait for `rsp 200`; then one `syslog` frame
// per message (the RFC 5424/CEF line, no octet counting), at most WINDOW unacknowledged at a
// time, each answered `TXNR rsp 6 200 OK`; `close` at the end. Anything else fails the batch:
// `serverclose`, a non-200 answer, no answer within the timeout, an answer for a txnr we did
// not send (a protocol error: the connection is dropped). The error says how many messages
// from the start were acknowledged (`acked`): the forwarder moves the positions through
// those and sends the rest again later. A collector killed after writing a message and before
// acknowledging it sees that message twice (the event id in SD dedupes); none is lost.
//
// Memory: the batch (forwarder.ts, at most MAX_BATCH_BYTES) and at most WINDOW txnrs.
import { Socket } from 'node:net';
import type { SiemFailureCode } from '../../core/console/siem/delivery.js';
import { failureOf } from '../../core/console/siem/delivery.js';
import {
  type Collector,
  DEFAULT_TIMEOUTS,
  type DeliverTimeouts,
  DeliveryError,
} from './transport.js';

/** Most unacknowledged messages on a connection. */
export const WINDOW = 128;
/** Largest DATALEN accepted from the collector (its answers are short). */
export const MAX_DATALEN = 128 * 1024;
/** rsyslog's txnr wraps after 999 999 999. */
const MAX_TXNR = 999_999_999;
/** TXNR SP COMMAND SP DATALEN and the separator after it, at their longest. */
const HEAD_MAX = 9 + 1 + 32 + 1 + 9 + 1;

export interface RelpFrame {
  txnr: number;
  command: string;
  data: Buffer;
}

/** Encodes one frame. */
export function encodeFrame(txnr: number, command: string, data: Buffer | string = ''): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const head = `${txnr} ${command} ${body.length}`;
  return body.length === 0
    ? Buffer.from(`${head}\n`, 'latin1')
    : Buffer.concat([Buffer.from(`${head} `, 'latin1'), body, Buffer.from('\n', 'latin1')]);
}

export class RelpProtocolError extends Error {}

/** Frames out of a byte stream, however it is cut into reads. */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  /** The frames complete so far; throws RelpProtocolError on malformed input. */
  push(chunk: Buffer): RelpFrame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: RelpFrame[] = [];
    for (;;) {
      const f = this.next();
      if (f === null) break;
      out.push(f);
    }
    return out;
  }

  private next(): RelpFrame | null {
    const b = this.buf;
    // Header: TXNR SP COMMAND SP DATALEN, then LF (no data) or SP.
    const headMax = Math.min(b.length, HEAD_MAX);
    let sp1 = -1;
    let sp2 = -1;
    let end = -1;
    for (let i = 0; i < headMax; i++) {
      const c = b[i]!;
      if (c === 0x20 || c === 0x0a) {
        if (sp1 < 0) sp1 = i;
        else if (sp2 < 0) sp2 = i;
        else {
          end = i;
          break;
        }
        if (c === 0x0a) throw new RelpProtocolError('line feed in a frame header');
      }
    }
    if (end < 0) {
      if (b.length >= HEAD_MAX) throw new RelpProtocolError('frame header too long');
      return null;
    }
    const txnrText = b.toString('latin1', 0, sp1);
    const command = b.toString('latin1', sp1 + 1, sp2);
    const lenText = b.toString('latin1', sp2 + 1, end);
    if (!/^\d{1,9}$/.test(txnrText))
      throw new RelpProtocolError(`bad txnr ${JSON.stringify(txnrText)}`);
    if (!/^[a-z]{1,32}$/.test(command)) throw new RelpProtocolError('bad command');
    if (!/^\d{1,9}$/.test(lenText)) throw new RelpProtocolError('bad datalen');
    const len = Number(lenText);
    if (len > MAX_DATALEN) throw new RelpProtocolError(`datalen ${len} too large`);
    let data: Buffer;
    let rest: number;
    if (b[end] === 0x0a) {
      if (len !== 0) throw new RelpProtocolError('datalen without data');
      data = Buffer.alloc(0);
      rest = end + 1;
    } else {
      // b[end] is SP: DATA, then LF.
      if (b.length < end + 1 + len + 1) return null;
      data = Buffer.from(b.subarray(end + 1, end + 1 + len));
      if (b[end + 1 + len] !== 0x0a) throw new RelpProtocolError('no line feed after data');
      rest = end + 1 + len + 1;
    }
    this.buf = b.subarray(rest);
    return { txnr: Number(txnrText), command, data };
  }
}

/** A batch not delivered whole: the first `acked` messages were acknowledged. */
export class RelpDeliveryError extends DeliveryError {
  constructor(
    code: SiemFailureCode,
    params: { [k: string]: string | number },
    readonly acked: number,
  ) {
    super(code, params);
    this.name = 'RelpDeliveryError';
  }
}

export interface RelpOptions {
  window?: number;
  /** Wait for the answer to `close` at most this long (the batch is delivered by then). */
  closeWaitMs?: number;
  /** Called with the count of messages acknowledged from the start, as it grows (tests). */
  onAck?: (acked: number) => void;
}

/** Sends `messages` (unframed syslog lines) on a RELP connection of its own; resolves when
 *  every one is acknowledged, rejects with a RelpDeliveryError otherwise. */
export function deliverRelp(
  c: Collector,
  messages: readonly Buffer[],
  t: DeliverTimeouts = DEFAULT_TIMEOUTS,
  o: RelpOptions = {},
): Promise<void> {
  const window = Math.max(1, Math.min(o.window ?? WINDOW, WINDOW));
  return new Promise<void>((resolve, reject) => {
    const sock = new Socket();
    const parser = new FrameParser();
    /** txnr → index of the message (-1: open, -2: close). */
    const pending = new Map<number, number>();
    const ackedSet = new Set<number>();
    let txnr = 0;
    let next = 0;
    let acked = 0;
    let opened = false;
    let closing = false;
    let done = false;

    const nextTxnr = () => {
      txnr = txnr >= MAX_TXNR ? 1 : txnr + 1;
      return txnr;
    };
    const finish = (err: RelpDeliveryError | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve();
    };
    const fail = (code: SiemFailureCode, reason: string, extra: Record<string, number> = {}) =>
      finish(new RelpDeliveryError(code, { url: c.url, reason, ...extra }, acked));
    const seconds = Math.round(t.closeMs / 100) / 10;
    let timer = setTimeout(() => fail('SIEM_UNREACHABLE', 'connect timeout'), t.connectMs);
    const arm = (ms: number, onTimeout: () => void) => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, ms);
    };
    const ackTimeout = () => fail('SIEM_TIMEOUT', 'no acknowledgement', { seconds });

    const pump = () => {
      const parts: Buffer[] = [];
      while (next < messages.length && pending.size < window) {
        const n = nextTxnr();
        pending.set(n, next);
        parts.push(encodeFrame(n, 'syslog', messages[next]!));
        next++;
      }
      if (parts.length > 0) sock.write(Buffer.concat(parts));
      if (acked === messages.length && !closing) {
        closing = true;
        const n = nextTxnr();
        pending.set(n, -2);
        sock.write(encodeFrame(n, 'close'));
        // Everything is acknowledged: the answer to close is courtesy.
        arm(o.closeWaitMs ?? 1000, () => finish(null));
      }
    };

    const onFrame = (f: RelpFrame) => {
      if (f.command === 'serverclose') {
        if (closing) return finish(null);
        return fail('SIEM_CLOSED_EARLY', 'serverclose');
      }
      if (f.command !== 'rsp') return fail('SIEM_RESET', `protocol error: command ${f.command}`);
      const what = pending.get(f.txnr);
      if (what === undefined) return fail('SIEM_RESET', `protocol error: rsp for txnr ${f.txnr}`);
      pending.delete(f.txnr);
      const text = f.data.toString('utf8');
      const status = /^(\d{3})(?: |\n|$)/.exec(text)?.[1];
      if (what === -2) return finish(null);
      if (status !== '200') {
        const why = text.split('\n')[0]!.slice(0, 200);
        return fail('SIEM_RESET', `refused: ${why || 'empty answer'}`);
      }
      if (what === -1) {
        opened = true;
        arm(t.closeMs, ackTimeout);
        return pump();
      }
      ackedSet.add(what);
      const before = acked;
      while (ackedSet.has(acked)) ackedSet.delete(acked++);
      if (acked > before) o.onAck?.(acked);
      if (done) return;
      // Progress: the timeout counts from the last acknowledgement.
      arm(t.closeMs, ackTimeout);
      pump();
    };

    sock.on('connect', () => {
      arm(t.closeMs, () =>
        fail('SIEM_TIMEOUT', opened ? 'no acknowledgement' : 'no answer to open', { seconds }),
      );
      const n = nextTxnr();
      pending.set(n, -1);
      sock.write(encodeFrame(n, 'open', 'relp_version=0\nrelp_software=baomi\ncommands=syslog'));
    });
    sock.on('data', (chunk: Buffer) => {
      let frames: RelpFrame[];
      try {
        frames = parser.push(chunk);
      } catch (e) {
        return fail('SIEM_RESET', `protocol error: ${(e as Error).message}`);
      }
      for (const f of frames) {
        if (done) return;
        onFrame(f);
      }
    });
    sock.on('error', (e: NodeJS.ErrnoException) => fail(failureOf(e.code), e.code ?? e.message));
    sock.on('close', () => {
      if (closing && acked === messages.length) finish(null);
      else fail('SIEM_CLOSED_EARLY', 'closed');
    });
    sock.connect({ host: c.host, port: c.port });
  });
}
