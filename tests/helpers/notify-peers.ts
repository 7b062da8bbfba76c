// The peers of the console's notifier in tests (issue 12 §4): a local SMTP server (the
// smtp-server package) that keeps every message it accepted, can ask for a password and offer
// STARTTLS, and refuses on demand; and a local HTTP receiver that checks each webhook's
// signature as a receiver should (core verifyWebhookSignature) and answers as told.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import {
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from '../../src/core/console/notify/signature.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The user that authenticated, or null. */
  user: string | null;
  /** Whether the session was TLS (STARTTLS or smtps). */
  secure: boolean;
  raw: string;
  /** Header lines as sent (unfolded), name lower case. */
  headers: [string, string][];
  header(name: string): string | undefined;
  /** Decoded (RFC 2047) subject. */
  subject: string;
  /** Decoded body text. */
  text: string;
}

export interface SmtpPeer {
  port: number;
  mails: ReceivedMail[];
  /** Transactions (MAIL FROM) seen, refused or not. */
  attempts: number;
  /** What to answer the next MAIL FROM: null accepts. */
  refuse: (() => { code: number; message: string } | null) | null;
  /** Recipients to refuse (550) at RCPT TO. */
  refuseRcpt: Set<string>;
  close(): Promise<void>;
}

export async function startSmtp(
  o: { user?: string; password?: string; tls?: { key: string; cert: string } } = {},
): Promise<SmtpPeer> {
  const peer: SmtpPeer = {
    port: 0,
    mails: [],
    attempts: 0,
    refuse: null,
    refuseRcpt: new Set(),
    close: async () => {},
  };
  const server = new SMTPServer({
    ...(o.tls ? { key: o.tls.key, cert: o.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    authOptional: o.password === undefined,
    allowInsecureAuth: !o.tls,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === o.user && auth.password === o.password)
        cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, cb) {
      peer.attempts++;
      const r = peer.refuse?.() ?? null;
      if (r) cb(Object.assign(new Error(r.message), { responseCode: r.code }));
      else cb();
    },
    onRcptTo(address, _session, cb) {
      if (peer.refuseRcpt.has(address.address))
        cb(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const env = session.envelope;
        peer.mails.push(
          parseMail(raw, {
            from: env.mailFrom ? env.mailFrom.address : '',
            to: env.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : null,
            secure: session.secure,
          }),
        );
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  peer.port = (server.server.address() as AddressInfo).port;
  peer.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return peer;
}

function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _cs, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQp(text.replace(/_/g, ' ')),
    );
}

function decodeQp(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

export function parseMail(
  raw: string,
  env: { from: string; to: string[]; user: string | null; secure: boolean },
): ReceivedMail {
  const cut = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, cut).replace(/\r\n[ \t]+/g, ' ');
  const headers = head
    .split('\r\n')
    .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]) as [
    string,
    string,
  ][];
  const header = (n: string) => headers.find(([k]) => k === n)?.[1];
  const body = raw.slice(cut + 4);
  const cte = (header('content-transfer-encoding') ?? '').toLowerCase();
  const text =
    cte === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : cte === 'quoted-printable'
        ? decodeQp(body)
        : body;
  return {
    ...env,
    raw,
    headers,
    header,
    subject: decodeWords(header('subject') ?? ''),
    text: text.replace(/\r\n/g, '\n'),
  };
}

export interface WebhookHit {
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, unknown>;
  /** The signature held for the key over exactly these bytes at the receiver's `now`. */
  verified: boolean;
}

export interface WebhookPeer {
  url: string;
  hits: WebhookHit[];
  /** Requests that were never answered (`hang`). */
  hung: number;
  /** How to answer the next request: an HTTP status, or `hang` (never answer). */
  answer: () => number | 'hang';
  close(): Promise<void>;
}

export async function startWebhook(key: string, now: () => number): Promise<WebhookPeer> {
  const open = new Set<ServerResponse>();
  const peer: WebhookPeer = {
    url: '',
    hits: [],
    hung: 0,
    answer: () => 200,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = peer.answer();
      if (answer === 'hang') {
        peer.hung++;
        open.add(res);
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      peer.hits.push({
        headers: req.headers,
        body,
        json: JSON.parse(body) as Record<string, unknown>,
        verified: verifyWebhookSignature(
          key,
          req.headers[WEBHOOK_TIMESTAMP_HEADER] as string | undefined,
          req.headers[WEBHOOK_SIGNATURE_HEADER] as string | undefined,
          body,
          now(),
        ),
      });
      res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  peer.close = async () => {
    for (const r of open) r.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return peer;
}
