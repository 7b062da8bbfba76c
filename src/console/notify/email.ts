// A notification by mail (issue 12 §4): nodemailer over SMTP, one connection per message.
// smtp:// upgrades with STARTTLS when the server offers it (required with `requireTLS`, and
// whenever a password would otherwise cross a network in clear); smtps:// is TLS from the
// first byte. Plain text only, subject and body in both languages (zh-CN first), built from
// escaped values (core/console/notify/message.ts): a host name with a line break cannot add a
// header or a line of its own. The Message-ID is the delivery's, so a mail sent twice (a
// timeout after the server had taken it) is one message to the reader's mail program.
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { EmailChannel } from '../../core/console/config/notify.js';
import { isLoopbackHost } from '../../core/console/config/notify.js';
import type { RenderedMessage } from '../../core/console/notify/message.js';
import { DeliveryError } from './errors.js';

export interface EmailSend {
  channel: EmailChannel;
  password: string | undefined;
  message: RenderedMessage;
  deliveryId: number;
  now: number;
}

/** Resolves when the server took the message: null, or which recipients it refused. */
export async function sendEmail(s: EmailSend): Promise<string | null> {
  const c = s.channel;
  const url = new URL(c.smtp);
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  const requireTLS =
    !secure && (c.requireTLS || (s.password !== undefined && !isLoopbackHost(url.hostname)));
  let ca: string | undefined;
  if (c.ca) {
    try {
      ca = readFileSync(c.ca, 'utf8');
    } catch (e) {
      throw new DeliveryError(
        'NOTIFY_UNREACHABLE',
        `${c.ca}: ${(e as NodeJS.ErrnoException).code}`,
      );
    }
  }
  const transport = nodemailer.createTransport({
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS,
    ...(s.password !== undefined ? { auth: { user, pass: s.password } } : {}),
    tls: { ...(ca ? { ca } : {}), minVersion: 'TLSv1.2' },
    connectionTimeout: c.timeout,
    greetingTimeout: c.timeout,
    socketTimeout: c.timeout,
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const domain = c.from.slice(c.from.lastIndexOf('@') + 1);
  try {
    const info = await transport.sendMail({
      from: c.from,
      to: c.to,
      subject: s.message.subject,
      text: s.message.text,
      date: new Date(s.now),
      messageId: `<baomi-notify-${s.deliveryId}@${domain}>`,
      headers: {
        'Auto-Submitted': 'auto-generated',
        'X-Baomi-Delivery': String(s.deliveryId),
        ...(s.message.json.alert ? { 'X-Baomi-Alert': String(s.message.json.alert.id) } : {}),
      },
      signal: AbortSignal.timeout(c.timeout),
    });
    // Some recipients refused, the others took it: sent (a retry would repeat it to them),
    // and the refusal is kept with the delivery and logged.
    const rejected = info.rejected ?? [];
    if (rejected.length === 0) return null;
    const why = (info.rejectedErrors ?? []).map(
      (e) => (e as { response?: string }).response ?? e.message,
    );
    return `refused ${rejected.join(', ')}${why.length ? `: ${why.join('; ')}` : ''}`;
  } catch (e) {
    throw smtpError(e, c.timeout);
  } finally {
    transport.close();
  }
}

function smtpError(e: unknown, timeoutMs: number): DeliveryError {
  const err = e as Error & { code?: string; responseCode?: number; response?: string };
  if (
    typeof err.responseCode === 'number' ||
    ['EAUTH', 'EENVELOPE', 'EMESSAGE'].includes(err.code ?? '')
  )
    return new DeliveryError('NOTIFY_SMTP_REFUSED', err.response ?? err.message);
  if (err.code === 'ETIMEDOUT' || err.code === 'EABORT' || err.name === 'TimeoutError')
    return new DeliveryError(
      'NOTIFY_TIMEOUT',
      `no answer within ${timeoutMs} ms (${err.code ?? err.name})`,
    );
  return new DeliveryError('NOTIFY_UNREACHABLE', `${err.code ?? 'error'}: ${err.message}`);
}
