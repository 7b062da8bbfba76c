// The fleet's table (issue 13 §3): its own scroll box with virtual rows (src/ui/virtual-rows.ts), as
// the events table has, since a fleet is ten thousand workstations (bench data: all of them as
// table rows took the page 6 to 10 seconds to show; the API answered in 0.3). Each row renders
// again only when its agent changes. Every value from an agent is shown as text.
import type { RefObject } from 'preact';
import { useCallback, useRef } from 'preact/hooks';
import type { AgentView } from '../../../core/console/api.js';
import { PureRow, useVirtualRows } from '../../../ui/virtual-rows.js';
import { when } from '../format.js';
import { type Key, lang, t } from '../i18n.js';

/** A row's height in root ems: style.css's --row of .grid.agents (two lines). */
const ROW_REM = 3.25;

interface RowProps {
  agent: AgentView;
  index: number;
  start: number;
  /** The page's language: a switch renders every row again (dates, words). */
  lang: string;
  isAdmin: boolean;
  usb: (a: AgentView) => string;
  onRevoke: (a: AgentView) => void;
}

class Row extends PureRow<RowProps> {
  override render({ agent: a, index, start, isAdmin, usb, onRevoke }: RowProps) {
    const policy = a.policy ? `${a.policy.name} v${a.policy.version}` : '—';
    const usbSaid = usb(a);
    return (
      <tr
        data-index={index}
        aria-rowindex={index + 2}
        style={{ transform: `translateY(${start}px)` }}
      >
        <td>
          <a href={`#/agents/${encodeURIComponent(a.id)}`} title={`${a.host}\n${a.id}`}>
            {a.host}
          </a>
          <div class="sub">{a.os}</div>
        </td>
        <td>
          <span class={`state state-${a.state}`}>{t(`agents.state.${a.state}` as Key)}</span>
        </td>
        <td title={a.seatUser ?? ''}>{a.seatUser ?? '—'}</td>
        <td title={[a.group, a.department].filter(Boolean).join('\n')}>
          {a.group}
          {a.department && <div class="sub">{a.department}</div>}
        </td>
        <td>{a.personnelClass ?? '—'}</td>
        <td>{a.agentVersion ?? '—'}</td>
        <td>{when(a.lastSeen)}</td>
        <td title={policy}>{policy}</td>
        <td class={a.usbEnforcing === false ? 'warn' : undefined} title={usbSaid}>
          {usbSaid}
        </td>
        <td>{a.eventsWaiting ?? '—'}</td>
        {isAdmin && (
          <td>
            {a.state !== 'revoked' && (
              <button type="button" class="danger" onClick={() => onRevoke(a)}>
                {t('agents.revoke')}
              </button>
            )}
          </td>
        )}
      </tr>
    );
  }
}

/** `onRevoke` should keep its identity (a new one renders every row again). */
export function AgentsTable(props: {
  rows: AgentView[];
  isAdmin: boolean;
  usb: (a: AgentView) => string;
  onRevoke: (a: AgentView) => void;
}) {
  const { rows } = props;
  const scroller: RefObject<HTMLElement | null> = useRef<HTMLElement>(null);
  const keyOf = useCallback((i: number) => rows[i]!.id, [rows]);
  const shown = useVirtualRows(rows.length, scroller, keyOf, ROW_REM);
  return (
    // Focusable, so a keyboard can scroll it (and its rows' links take Tab as ever).
    <section
      class="rows"
      ref={scroller}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled region must take the focus (WCAG 2.1.1)
      tabIndex={0}
      aria-label={t('agents.title')}
    >
      <table class="grid vt agents" data-testid="agents-table" aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">{t('agents.col.host')}</th>
            <th scope="col">{t('agents.col.state')}</th>
            <th scope="col">{t('agents.col.seatUser')}</th>
            <th scope="col">{t('agents.col.group')}</th>
            <th scope="col">{t('agents.col.class')}</th>
            <th scope="col">{t('agents.col.version')}</th>
            <th scope="col">{t('agents.col.lastSeen')}</th>
            <th scope="col">{t('agents.col.policy')}</th>
            <th scope="col">{t('agents.col.usb')}</th>
            <th scope="col">{t('agents.col.waiting')}</th>
            {props.isAdmin && <th scope="col">{t('agents.col.actions')}</th>}
          </tr>
        </thead>
        <tbody style={{ height: `${shown.total}px` }}>
          {shown.items.map(({ index, start }) => {
            const a = rows[index]!;
            return (
              <Row
                key={a.id}
                agent={a}
                index={index}
                start={start}
                lang={lang()}
                isAdmin={props.isAdmin}
                usb={props.usb}
                onRevoke={props.onRevoke}
              />
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
