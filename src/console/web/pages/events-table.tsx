// The events page's table (issue 13 §4): its own scroll box with virtual rows (only those in
// view are in the page, each placed where it falls: src/ui/virtual-rows.ts). Its own component, and
// each row one that renders again only when its event, place or selection changes: a scroll
// renders this table and the rows coming into view, not the page's form and every row
// (bench:ui's scrolling frames). The table's parts are laid out as blocks, not as a table (a
// table lays all its rows out again when one is added); their elements still give them their
// table roles (the e2e asks the browser's accessibility tree for the rows and cells). Every
// value from an agent is shown as text.
import type { RefObject } from 'preact';
import { useCallback } from 'preact/hooks';
import { PureRow, useVirtualRows } from '../../../ui/virtual-rows.js';
import { summary, when } from '../format.js';
import { lang, t } from '../i18n.js';
import type { ShownEvent } from './events.js';

interface RowProps {
  event: ShownEvent;
  index: number;
  /** Offset in the table's body, in CSS pixels. */
  start: number;
  /** The page's language: a switch renders every row again (dates, words). */
  lang: string;
  selected: boolean;
  onOpen: (e: ShownEvent) => void;
}

export const eventKey = (e: ShownEvent) => `${e.agentId}:${e.seq}`;
/** A row's height in root ems: style.css's --row of .grid.events. */
const ROW_REM = 2;

class Row extends PureRow<RowProps> {
  override render({ event: e, index, start, selected, onOpen }: RowProps) {
    const data = summary(e.data as Record<string, unknown>);
    return (
      <tr
        data-index={index}
        aria-rowindex={index + 2}
        class={selected ? 'selected' : ''}
        style={{ transform: `translateY(${start}px)` }}
      >
        <td>
          <button type="button" class="link" onClick={() => onOpen(e)}>
            {when(e.ts)}
          </button>
        </td>
        <td>{e.host}</td>
        <td>{e.user ?? '—'}</td>
        <td>{e.type}</td>
        <td>
          <span class={`sev sev-${e.severity}`}>{e.severity}</span>
        </td>
        <td>{e.level ?? ''}</td>
        <td class="data" title={data}>
          {data}
        </td>
      </tr>
    );
  }
}

/** `onScroll`: after each scroll, with the box (the page fetches more near its end);
 *  `onOpen` should keep its identity (a new one renders every row again). */
export function EventsTable(props: {
  rows: ShownEvent[];
  selected: string | null;
  onOpen: (e: ShownEvent) => void;
  onScroll: (box: HTMLElement) => void;
  /** The scroll box, for the page to put back at the top. */
  scroller: RefObject<HTMLElement | null>;
}) {
  const { rows, scroller } = props;
  // Changes only with the rows: a new one each render would recompute every row's place.
  const keyOf = useCallback((i: number) => eventKey(rows[i]!), [rows]);
  const shown = useVirtualRows(rows.length, scroller, keyOf, ROW_REM);
  return (
    // Focusable, so a keyboard can scroll it (and its rows' buttons take Tab as ever).
    <section
      class="rows"
      ref={scroller}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled region must take the focus (WCAG 2.1.1)
      tabIndex={0}
      aria-label={t('events.title')}
      onScroll={(e) => props.onScroll(e.currentTarget as HTMLElement)}
    >
      <table class="grid vt events" data-testid="events-table" aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">{t('events.col.time')}</th>
            <th scope="col">{t('events.col.host')}</th>
            <th scope="col">{t('events.col.user')}</th>
            <th scope="col">{t('events.col.type')}</th>
            <th scope="col">{t('events.col.severity')}</th>
            <th scope="col">{t('events.col.level')}</th>
            <th scope="col">{t('events.col.data')}</th>
          </tr>
        </thead>
        <tbody style={{ height: `${shown.total}px` }}>
          {shown.items.map(({ index, start }) => {
            const e = rows[index]!;
            const key = eventKey(e);
            return (
              <Row
                key={key}
                event={e}
                index={index}
                start={start}
                lang={lang()}
                selected={key === props.selected}
                onOpen={props.onOpen}
              />
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
