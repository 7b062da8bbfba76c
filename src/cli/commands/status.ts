import { type ChainStatus, chainStatusLines } from '../../core/events/chain-status.js';
import type { IdleSource, StatusResult } from '../../core/protocol/messages.js';
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
    process.stdout.write(`${statusLines(t, s).join('\n')}\n`);
    return 0;
  } finally {
    source.close();
  }
}

export function statusLines(t: CommandContext['t'], s: StatusResult): string[] {
  const sourceText = (name: string) => t(`cli.status.source.${name}`, { defaultValue: name });
  const watching = s.watched.filter((w) => w.state === 'watching').length;
  const lines = [
    t(s.running ? 'cli.status.running' : 'cli.status.notRunning'),
    s.policy ? t('cli.status.policy', s.policy) : t('cli.status.noPolicy'),
    t('cli.status.folders', { count: s.folders, watching }),
  ];
  for (const w of s.watched) {
    const state = t(`cli.status.state.${w.state}`);
    lines.push(
      w.reason
        ? t('cli.status.folderWhy', { path: w.path, level: w.level, state, reason: w.reason })
        : t('cli.status.folder', { path: w.path, level: w.level, state }),
    );
  }
  lines.push(
    s.seatUser
      ? t('cli.status.seat', { user: s.seatUser.name, source: sourceText(s.seatUser.source) })
      : t('cli.status.noSeat', { source: sourceText(s.seatSource) }),
    t('cli.status.events', s.events),
    t('cli.status.idle', { source: t(IDLE_SOURCE_TEXT[s.idleSource] ?? s.idleSource) }),
    s.usb.enforcing
      ? t('cli.status.usb', { state: t('cli.status.on') })
      : t('cli.status.usbOff', {
          state: t('cli.status.off'),
          reason: s.usb.reason ? t(s.usb.reason) : '',
        }),
  );
  lines.push(...chainStatusLines(t, s.chain as ChainStatus | undefined));
  return lines;
}
