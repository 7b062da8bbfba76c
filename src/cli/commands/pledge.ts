// `baomi pledge [--accept]`: the confidentiality pledge (保密承诺) in the person's language and
// whether they confirmed this very text; `--accept` confirms what was just shown (the agent
// refuses another text: PLEDGE_CHANGED). For sessions without the tray. Over agent.sock with
// the seat token only: the confirmation is the person's own (admin.sock cannot give one).
import { homedir } from 'node:os';
import { BaomiError } from '../../core/errors.js';
import type { Json } from '../../core/events/types.js';
import { type AgentConnection, osName, readPlaces } from '../../ipc/index.js';
import type { CommandContext } from '../context.js';
import { jsonLine, printable } from '../printable.js';
import { reachable } from '../source.js';

async function connect(socket: string | undefined): Promise<AgentConnection> {
  const places = socket
    ? [socket]
    : readPlaces(osName(process.platform), process.getuid?.() ?? -1, process.env, homedir())
        .filter((p) => p.kind === 'socket' && !p.admin)
        .map((p) => p.path);
  const tried: { place: string; reason: string }[] = [];
  for (const place of places) {
    const conn = await reachable(place);
    if (typeof conn !== 'string') return conn;
    tried.push({ place, reason: conn });
  }
  throw new BaomiError('PLEDGE_NO_AGENT', { tried } as unknown as Record<string, Json>, 1);
}

export default async function pledge(
  { t, lang }: CommandContext,
  o: { accept?: boolean; socket?: string; json?: boolean },
): Promise<number> {
  const conn = await connect(o.socket);
  try {
    const view = await conn.request('pledge.get', {});
    let seq: number | undefined;
    if (o.accept && view.pledge)
      ({ seq } = await conn.request('pledge.acknowledge', { sha256: view.pledge.sha256 }));
    if (o.json) {
      process.stdout.write(
        `${jsonLine({ ...view, ...(seq === undefined ? {} : { acknowledged: true, seq }) })}\n`,
      );
      return 0;
    }
    const p = view.pledge;
    if (!p) {
      process.stdout.write(`${t('cli.pledge.none')}\n`);
      return 0;
    }
    // Its lines as written (the policy's own), each safe on a terminal.
    const text = (lang === 'zh-CN' ? p['zh-CN'] : p.en).split(/\r?\n/).map(printable).join('\n');
    const state =
      seq !== undefined
        ? t('cli.pledge.accepted', { version: p.version, seq })
        : view.acknowledged === true
          ? t('cli.pledge.confirmed')
          : view.acknowledged === false
            ? t('cli.pledge.notConfirmed')
            : t('cli.pledge.whoUnknown');
    process.stdout.write(
      `${t('cli.pledge.title', { version: p.version })}\n\n${text}\n\n${state}\n`,
    );
    return 0;
  } finally {
    conn.close();
  }
}
