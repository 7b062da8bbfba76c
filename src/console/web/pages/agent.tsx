// One agent's page (issue 13 §3): what the console knows of it, its log chain as the console
// checked it on every batch (a `sync.gap` or `sync.chain-broken` alert is a break; none is
// "intact as far as received"), its policy history (the policy.* events it sent) and its
// newest events, with a link to all of them on the events page. An admin revokes it here too.
import { useEffect, useState } from 'preact/hooks';
import type { AgentView, AlertView } from '../../../core/console/api.js';
import { api } from '../api.js';
import { summary, when } from '../format.js';
import { type Key, t } from '../i18n.js';
import { RevokeConfirm, usbText } from './agents.js';
import type { ShownEvent } from './events.js';

const CHAIN_ALERTS = ['sync.gap', 'sync.chain-broken'];
/** The policy events the page lists (the newest); the rest are a link away. */
const POLICY_ROWS = 100;
/** The most breaks listed (the API's most alerts in one answer); more are said to be more. */
const BREAKS_MAX = 1000;

function EventRows(props: { rows: ShownEvent[]; testid: string; label: string }) {
  return (
    <table class="grid" data-testid={props.testid} aria-label={props.label}>
      <thead>
        <tr>
          <th scope="col">{t('events.col.time')}</th>
          <th scope="col">{t('events.col.user')}</th>
          <th scope="col">{t('events.col.type')}</th>
          <th scope="col">{t('events.col.severity')}</th>
          <th scope="col">{t('events.col.data')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((e) => (
          <tr key={e.seq}>
            <td>{when(e.ts)}</td>
            <td>{e.user ?? '—'}</td>
            <td>{e.type}</td>
            <td>
              <span class={`sev sev-${e.severity}`}>{e.severity}</span>
            </td>
            <td class="data">{summary(e.data as Record<string, unknown>)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AgentPage(props: { id: string; onError: (e: unknown) => void; isAdmin: boolean }) {
  const [agent, setAgent] = useState<AgentView | null>(null);
  const [breaks, setBreaks] = useState<AlertView[]>([]);
  const [policies, setPolicies] = useState<ShownEvent[]>([]);
  const [recent, setRecent] = useState<ShownEvent[]>([]);
  const [confirm, setConfirm] = useState(false);
  const id = encodeURIComponent(props.id);

  const load = async () => {
    try {
      const [a, al, pol, ev] = await Promise.all([
        api<AgentView>('GET', `/api/v1/agents/${id}`),
        // The chain's alerts only (asked by type: the newest 1,000 of every type could hide
        // an older break behind other alerts and call the chain intact).
        api<{ alerts: AlertView[] }>(
          'GET',
          `/api/v1/alerts?agent=${id}&type=${CHAIN_ALERTS.join(',')}&limit=${BREAKS_MAX}`,
        ),
        api<{ events: ShownEvent[] }>(
          'GET',
          `/api/v1/events?agent=${id}&type=policy.*&order=desc&limit=${POLICY_ROWS}`,
        ),
        api<{ events: ShownEvent[] }>('GET', `/api/v1/events?agent=${id}&order=desc&limit=50`),
      ]);
      setAgent(a);
      setBreaks(al.alerts);
      setPolicies(pol.events);
      setRecent(ev.events);
    } catch (e) {
      props.onError(e);
    }
  };
  useEffect(() => void load(), [props.id]);

  async function revoke() {
    try {
      await api('POST', `/api/v1/agents/${id}/revoke`);
      setConfirm(false);
      await load();
    } catch (e) {
      props.onError(e);
    }
  }

  if (!agent) return <p>{t('common.loading')}</p>;
  return (
    <section aria-labelledby="agent-h">
      <h1 id="agent-h">{t('agent.heading', { host: agent.host })}</h1>
      <dl class="facts">
        <dt>{t('agents.col.state')}</dt>
        <dd>
          <span class={`state state-${agent.state}`}>
            {t(`agents.state.${agent.state}` as Key)}
          </span>
        </dd>
        <dt>ID</dt>
        <dd>
          <code>{agent.id}</code>
        </dd>
        <dt>{t('agents.col.group')}</dt>
        <dd>
          {agent.group}
          {agent.department ? ` · ${agent.department}` : ''}
          {agent.personnelClass ? ` · ${agent.personnelClass}` : ''}
        </dd>
        <dt>{t('agents.col.seatUser')}</dt>
        <dd>{agent.seatUser ?? '—'}</dd>
        <dt>{t('agents.col.version')}</dt>
        <dd>
          {agent.agentVersion ?? '—'} ({agent.os})
        </dd>
        <dt>{t('agent.enrolled')}</dt>
        <dd>{when(agent.enrolledAt)}</dd>
        <dt>{t('agents.col.lastSeen')}</dt>
        <dd>{when(agent.lastSeen)}</dd>
        <dt>{t('agents.col.policy')}</dt>
        <dd>{agent.policy ? `${agent.policy.name} v${agent.policy.version}` : '—'}</dd>
        <dt>{t('agents.col.usb')}</dt>
        <dd class={agent.usbEnforcing === false ? 'warn' : undefined}>{usbText(agent)}</dd>
        <dt>{t('agent.received')}</dt>
        <dd>{agent.ackedSeq}</dd>
      </dl>
      {props.isAdmin && agent.state !== 'revoked' && !confirm && (
        <button type="button" class="danger" onClick={() => setConfirm(true)}>
          {t('agents.revoke')}
        </button>
      )}
      {confirm && <RevokeConfirm host={agent.host} onYes={revoke} onNo={() => setConfirm(false)} />}

      <h2>{t('agent.chain')}</h2>
      {breaks.length === 0 ? (
        <p class="ok" data-testid="agent-chain">
          {t('agent.chainIntact', { count: agent.ackedSeq })}
        </p>
      ) : (
        <div data-testid="agent-chain">
          <p class="error">
            {breaks.length >= BREAKS_MAX
              ? t('agent.chainBrokenMore', { count: BREAKS_MAX })
              : t('agent.chainBroken', { count: breaks.length })}
          </p>
          <ul>
            {breaks.map((b) => (
              <li key={b.id}>
                {when(b.ts)} · {b.type} · {summary(b.data)} · {t(`stage.${b.state}` as Key)}
              </li>
            ))}
          </ul>
        </div>
      )}

      <h2>{t('agent.policyHistory')}</h2>
      {/* The newest POLICY_ROWS here; every one of them on the events page. */}
      <p>
        <a href={`#/events?agent=${id}&type=${encodeURIComponent('policy.*')}`}>
          {policies.length >= POLICY_ROWS
            ? t('agent.allPolicyEventsMore', { count: POLICY_ROWS })
            : t('agent.allPolicyEvents')}
        </a>
      </p>
      {policies.length ? (
        <EventRows rows={policies} testid="agent-policies" label={t('agent.policyHistory')} />
      ) : (
        <p>{t('common.none')}</p>
      )}

      <h2>{t('agent.timeline')}</h2>
      <p>
        <a href={`#/events?agent=${id}`}>{t('agent.allEvents')}</a>
      </p>
      {recent.length ? (
        <EventRows rows={recent} testid="agent-events" label={t('agent.timeline')} />
      ) : (
        <p>{t('common.none')}</p>
      )}
    </section>
  );
}
