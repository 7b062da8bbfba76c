// A notification to a webhook (issue 12 §4): POST of the JSON (core/console/notify/message.ts)
// signed with the channel's key (core/console/notify/signature.ts), within the channel's
// timeout (an AbortSignal covers connecting, TLS, the request and the answer's head). Only a
// 2xx answer is delivered; a redirect is not followed (it could lead off https), anything else
// is an error the notifier records and retries. The URL was checked by the schema (https://,
// or http:// to this computer) and is checked again here: this is where the bytes leave.
import type { WebhookChannel } from '../../core/console/config/notify.js';
import { isLoopbackHost } from '../../core/console/config/notify.js';
import type { WebhookPayload } from '../../core/console/notify/message.js';
import {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  webhookSignature,
} from '../../core/console/notify/signature.js';
import { DeliveryError } from './errors.js';

export interface WebhookSend {
  channel: WebhookChannel;
  key: string;
  payload: WebhookPayload;
  /** ms since the epoch: the timestamp header is its whole seconds. */
  now: number;
}

export async function sendWebhook(s: WebhookSend): Promise<void> {
  const url = new URL(s.channel.url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    throw new DeliveryError(
      'NOTIFY_UNREACHABLE',
      'refused: not https:// (or http:// to this computer)',
    );
  const body = JSON.stringify(s.payload);
  const timestamp = String(Math.floor(s.now / 1000));
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'baomi-console',
        [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
        [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(s.key, timestamp, body),
        [WEBHOOK_DELIVERY_HEADER]: String(s.payload.delivery),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(s.channel.timeout),
    });
  } catch (e) {
    throw fetchError(e, s.channel.timeout);
  }
  // The answer's body is not needed: let the connection go.
  await res.body?.cancel().catch(() => {});
  if (res.status < 200 || res.status > 299)
    throw new DeliveryError('NOTIFY_HTTP_STATUS', `HTTP ${res.status}`);
}

function fetchError(e: unknown, timeoutMs: number): DeliveryError {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError')
    return new DeliveryError('NOTIFY_TIMEOUT', `no answer within ${timeoutMs} ms`);
  const cause = err.cause;
  return new DeliveryError(
    'NOTIFY_UNREACHABLE',
    cause?.code ?? cause?.message ?? err.message ?? 'fetch failed',
  );
}
