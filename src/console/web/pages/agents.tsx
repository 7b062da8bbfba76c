// Agents (issue 13 §3): the fleet as the console knows it, searchable by host, seat user,
// group and id (the API's text filter) and by group; each row says whether the agent is
// online, silent, never seen or revoked, the policy it runs and whether it enforces USB (the
// table: agents-table.tsx, virtual rows).
// An admin revokes an agent after confirming (the API refuses everyone else).
import { useEffect, useState } from 'preact/hooks';
import type { AgentView } from '../../../core/console/api.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { AgentsTable } from './agents-table.js';

/** Whether the agent enforces USB, and the reason it gave when it does not. */
export function usbText(a: AgentView): string {
  if (a.usbEnforcing === null) return t('agents.usb.unknown');
  if (a.usbEnforcing) return t('agents.usb.on');
  return a.usbReason ? `${t('agents.usb.off')} (${a.usbReason})` : t('agents.usb.off');
}

/** The question before a revocation, with its two answers (the list and an agent's page). */
export function RevokeConfirm(props: { host: string; onYes: () => void; onNo: () => void }) {
  return (
    <div class="confirm" role="alertdialog" aria-labelledby="revoke-h">
      <p id="revoke-h">{t('agents.revokeConfirm', { host: props.host })}</p>
      <button type="button" class="danger" onClick={props.onYes}>
        {t('agents.revoke')}
      </button>
      <button type="button" onClick={props.onNo}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

export function AgentsPage(props: { onError: (e: unknown) => void; isAdmin: boolean }) {
  const [rows, setRows] = useState<AgentView[] | null>(null);
  const [text, setText] = useState('');
  const [group, setGroup] = useState('');
  const [asked, setAsked] = useState({ text: '', group: '' });
  const [confirm, setConfirm] = useState<AgentView | null>(null);

  function load(q: { text: string; group: string }) {
    const p = new URLSearchParams();
    if (q.text.trim()) p.set('text', q.text.trim());
    if (q.group.trim()) p.set('group', q.group.trim());
    api<{ agents: AgentView[] }>('GET', `/api/v1/agents?${p}`).then(
      (r) => setRows(r.agents),
      props.onError,
    );
  }
  useEffect(() => load(asked), [asked]);

  async function revoke(a: AgentView) {
    try {
      await api('POST', `/api/v1/agents/${encodeURIComponent(a.id)}/revoke`);
      setConfirm(null);
      load(asked);
    } catch (e) {
      props.onError(e);
    }
  }

  return (
    <section aria-labelledby="agents-h">
      <h1 id="agents-h">{t('agents.title')}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          props.onError(null);
          setAsked({ text, group });
        }}
      >
        <label>
          <span>{t('agents.search')}</span>
          <input
            name="text"
            maxLength={200}
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          <span>{t('agents.col.group')}</span>
          <input
            name="group"
            maxLength={100}
            value={group}
            onInput={(e) => setGroup((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">{t('common.apply')}</button>
      </form>
      {confirm && (
        <RevokeConfirm
          host={confirm.host}
          onYes={() => revoke(confirm)}
          onNo={() => setConfirm(null)}
        />
      )}
      {!rows ? (
        <p>{t('common.loading')}</p>
      ) : (
        <>
          <p>{t('agents.count', { count: rows.length })}</p>
          <AgentsTable rows={rows} isAdmin={props.isAdmin} usb={usbText} onRevoke={setConfirm} />
          {rows.length === 0 && <p>{t('common.none')}</p>}
        </>
      )}
    </section>
  );
}
