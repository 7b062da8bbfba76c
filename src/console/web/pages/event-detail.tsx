// An event's detail (issue 13 §4): what decided it (src/ui/event-rule.ts), the events just before
// and after it on the same workstation (its neighbours in time, from the API), and the event
// as stored. A neighbour opens in its place.
import { useEffect, useState } from 'preact/hooks';
import { type Rule, ruleOf } from '../../../ui/event-rule.js';
import { ApiFailure, api } from '../api.js';
import { summary, when } from '../format.js';
import { t, tCore } from '../i18n.js';
import type { ShownEvent } from './events.js';

/** Events read on each side. */
const SIDE = 5;

const key = (e: ShownEvent) => `${e.agentId}:${e.seq}`;

async function around(e: ShownEvent): Promise<ShownEvent[]> {
  const q = (order: 'asc' | 'desc', bound: 'since' | 'until') =>
    api<{ events: ShownEvent[] }>(
      'GET',
      `/api/v1/events?${new URLSearchParams({
        agent: e.agentId,
        order,
        limit: String(SIDE + 1),
        [bound]: String(e.ts),
      })}`,
    );
  const [before, after] = await Promise.all([q('desc', 'until'), q('asc', 'since')]);
  const all = new Map<string, ShownEvent>();
  for (const x of [...before.events, e, ...after.events]) all.set(key(x), x);
  const sorted = [...all.values()].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  const at = sorted.findIndex((x) => key(x) === key(e));
  return sorted.slice(Math.max(0, at - SIDE), at + SIDE + 1);
}

/** The rule in the reader's words, or null when none decided. */
function ruleText(r: Rule | null): string | null {
  if (r === null) return null;
  if (r.kind === 'folder') return t('events.rule.folder', { root: r.root, level: r.level });
  return tCore(r.key, r.params, r.defaultValue);
}

export function EventDetail(props: {
  event: ShownEvent;
  onOpen: (e: ShownEvent) => void;
  onClose: () => void;
  onError: (e: unknown) => void;
}) {
  const e = props.event;
  const [near, setNear] = useState<ShownEvent[] | null>(null);
  useEffect(() => {
    setNear(null);
    around(e).then(setNear, (err: unknown) => {
      if (!(err instanceof ApiFailure && err.status === 401)) props.onError(err);
    });
  }, [key(e)]);
  const rule = ruleText(ruleOf(e));
  const title = t('events.detail', { seq: e.seq, host: e.host });
  return (
    <aside class="detail" aria-label={title}>
      <h2>{title}</h2>
      <button type="button" onClick={props.onClose}>
        {t('common.close')}
      </button>
      <h3>{t('events.rule')}</h3>
      <p data-testid="event-rule">{rule ?? t('events.rule.none')}</p>
      <h3>{t('events.around')}</h3>
      {near === null ? (
        <p class="muted">{t('common.loading')}</p>
      ) : (
        <table class="grid" data-testid="event-around">
          <thead>
            <tr>
              <th scope="col">{t('events.col.time')}</th>
              <th scope="col">{t('events.col.user')}</th>
              <th scope="col">{t('events.col.type')}</th>
              <th scope="col">{t('events.col.data')}</th>
            </tr>
          </thead>
          <tbody>
            {near.map((x) => (
              <tr key={key(x)} class={key(x) === key(e) ? 'selected' : ''}>
                <td>
                  {key(x) === key(e) ? (
                    <strong>
                      {when(x.ts)} ({t('events.around.this')})
                    </strong>
                  ) : (
                    <button type="button" class="link" onClick={() => props.onOpen(x)}>
                      {when(x.ts)}
                    </button>
                  )}
                </td>
                <td>{x.user ?? '—'}</td>
                <td>{x.type}</td>
                <td class="data">{summary(x.data as Record<string, unknown>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('events.raw')}</h3>
      <pre data-testid="event-detail">{JSON.stringify(e, null, 2)}</pre>
    </aside>
  );
}
