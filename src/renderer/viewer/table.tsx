// The viewer's table (issue 14 §5): a scroll box with virtual rows (src/ui/virtual-rows.ts,
// shared with the console's events table), so 100,000 events cost the rows in view. Each row
// renders again only when its event, place, selection or language changes. Laid out as blocks,
// with table roles for readers; every value is shown as text.
import type { RefObject } from 'preact';
import { useCallback } from 'preact/hooks';
import type { BaomiEvent } from '../../core/events/types.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { Lang } from '../../core/i18n/types.js';
import { PureRow, rowPx, useVirtualRows } from '../../ui/virtual-rows.js';
import { when } from '../common/format.js';
import { plainWords } from './plain.js';

/** A row's height in root ems: viewer.css's --row. */
const ROW_REM = 2;
/** A row's height in CSS pixels, as laid out now. */
export const rowPixels = () => rowPx(ROW_REM);

interface RowProps {
  event: BaomiEvent;
  index: number;
  start: number;
  lang: Lang;
  t: Translate;
  selected: boolean;
  onOpen: (e: BaomiEvent) => void;
}

class Row extends PureRow<RowProps> {
  override render({ event: e, index, start, t, selected, onOpen }: RowProps) {
    const what = plainWords(t, e);
    return (
      <tr
        data-index={index}
        data-seq={e.seq}
        aria-rowindex={index + 2}
        aria-selected={selected}
        class={selected ? 'selected' : ''}
        style={{ transform: `translateY(${start}px)` }}
      >
        <td>
          <button type="button" class="link" onClick={() => onOpen(e)}>
            {when(e.ts)}
          </button>
        </td>
        <td class="what" title={what}>
          {what}
        </td>
        <td>{e.type}</td>
        <td>
          <span class={`sev sev-${e.severity}`}>
            {t(`sev.${e.severity}`, { defaultValue: e.severity })}
          </span>
        </td>
        <td>{e.level ?? ''}</td>
        <td>{e.user ?? '—'}</td>
      </tr>
    );
  }
}

export function EventsTable(props: {
  rows: BaomiEvent[];
  lang: Lang;
  t: Translate;
  selected: number | null;
  onOpen: (e: BaomiEvent) => void;
  scroller: RefObject<HTMLElement | null>;
}) {
  const { rows, t } = props;
  const keyOf = useCallback((i: number) => String(rows[i]!.seq), [rows]);
  const shown = useVirtualRows(rows.length, props.scroller, keyOf, ROW_REM);
  return (
    <section
      class="rows"
      ref={props.scroller}
      data-testid="viewer-scroll"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled region must take the focus (WCAG 2.1.1)
      tabIndex={0}
      aria-label={t('viewer.title')}
    >
      <table class="grid vt" data-testid="viewer-table" aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">{t('col.time')}</th>
            <th scope="col">{t('col.what')}</th>
            <th scope="col">{t('col.type')}</th>
            <th scope="col">{t('col.severity')}</th>
            <th scope="col">{t('col.level')}</th>
            <th scope="col">{t('col.user')}</th>
          </tr>
        </thead>
        <tbody style={{ height: `${shown.total}px` }}>
          {shown.items.map(({ index, start }) => {
            const e = rows[index]!;
            return (
              <Row
                key={e.seq}
                event={e}
                index={index}
                start={start}
                lang={props.lang}
                t={t}
                selected={e.seq === props.selected}
                onOpen={props.onOpen}
              />
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
