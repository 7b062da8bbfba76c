import type { IdleSource } from '../../core/protocol/messages.js';
import type { CommandContext } from '../context.js';
import { openSource, type SourceOptions } from '../source.js';

/** The JSON keeps the stable value; people read its name in their language. */
const IDLE_SOURCE_TEXT: Record<IdleSource, string> = {
  x11: 'cli.status.idleSource.x11',
  logind: 'cli.status.idleSource.logind',
  windows: 'cli.status.idleSource.windows',
  macos: 'cli.status.idleSource.macos',
  tray: 'cli.status.idleSource.tray',
  none: 'cli.status.idleSource.none',
};

export default async function status(
  { t }: CommandContext,
  o: SourceOptions & { json?: boolean },
): Promise<number> {
  const source = await openSource(o);
  try {
    const s = await source.status();
    if (o.json) {
      process.stdout.write(`${JSON.stringify(s)}\n`);
      return 0;
    }
    const lines = [
      s.policy ? t('cli.status.policy', s.policy) : t('cli.status.noPolicy'),
      t('cli.status.folders', { count: s.folders }),
      t('cli.status.events', s.events),
      t('cli.status.idle', { source: t(IDLE_SOURCE_TEXT[s.idleSource] ?? s.idleSource) }),
      t('cli.status.usb', { state: t(s.usb.enforcing ? 'cli.status.on' : 'cli.status.off') }),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    source.close();
  }
}
