// The webhook keys and SMTP passwords of `notify.channels`: files named by the configuration
// (src/console/config.ts made the paths absolute and checked them readable). They are read
// again for each send, so a key can be rotated without a restart, and checked when the
// notifier starts: a file that others can read, or a webhook key too short to be one, stops
// the console (CONSOLE_CONFIG_INVALID) rather than notify with a weak or exposed secret.
// The values are never logged, stored or put into an error (errors.ts scrub).
import { readFileSync, statSync } from 'node:fs';
import type { Channel } from '../../core/console/config/notify.js';
import { MIN_WEBHOOK_KEY_BYTES } from '../../core/console/notify/signature.js';
import { BaomiError } from '../../core/errors.js';
import { DeliveryError } from './errors.js';

/** The secret file of a channel (the webhook key, the SMTP password), if it has one. */
export function secretFileOf(c: Channel): string | undefined {
  return c.kind === 'webhook' ? c.secretFile : c.passwordFile;
}

function read(c: Channel, file: string): string {
  const raw = readFileSync(file, 'utf8');
  // A key is the file's text without surrounding whitespace; a password without its line end.
  return c.kind === 'webhook' ? raw.trim() : raw.replace(/\r?\n$/, '');
}

/** Reads a channel's secret for one send; a failure is the delivery's (retried), not a crash. */
export function readSecret(c: Channel): string | undefined {
  const file = secretFileOf(c);
  if (file === undefined) return undefined;
  let value: string;
  try {
    value = read(c, file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DeliveryError('NOTIFY_SECRET_UNREADABLE', `${file}: ${err.code ?? 'unreadable'}`);
  }
  if (c.kind === 'webhook' && Buffer.byteLength(value) < MIN_WEBHOOK_KEY_BYTES)
    throw new DeliveryError(
      'NOTIFY_SECRET_UNREADABLE',
      `${file}: the key is shorter than ${MIN_WEBHOOK_KEY_BYTES} bytes`,
    );
  return value;
}

/** At start: every channel's secret file is private to the console's user and usable. */
export function checkSecrets(channels: readonly Channel[]): void {
  const problems: string[] = [];
  channels.forEach((c, i) => {
    const file = secretFileOf(c);
    if (file === undefined) return;
    const where = `notify.channels[${i}].${c.kind === 'webhook' ? 'secretFile' : 'passwordFile'}`;
    try {
      const st = statSync(file);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0)
        problems.push(
          `${where}: ${file} can be read by others (mode 0${(st.mode & 0o777).toString(8)}); chmod 600 it`,
        );
      readSecret(c);
    } catch (e) {
      problems.push(`${where}: ${e instanceof DeliveryError ? e.detail : String(e)}`);
    }
  });
  if (problems.length > 0)
    throw new BaomiError(
      'CONSOLE_CONFIG_INVALID',
      { file: 'notify.channels', problems: problems.join('; ') },
      2,
    );
}
