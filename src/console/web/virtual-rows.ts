// Virtual rows for long tables (issue 13 §4): past VIRTUAL_FROM rows only the rows in view (and
// a few either side) are in the page, measured as they render (a long file name wraps a row);
// the rest stand as two spacer rows of the height they would take. TanStack's virtual-core does
// the arithmetic; this is its Preact binding, the one its React adapter is: an instance kept
// across renders, told of the row count each render, and a re-render when it says so.
// Spacer heights are set through the CSSOM (Preact's style object), which the page's
// Content-Security-Policy (style-src 'self') allows; a style attribute would be refused.
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type VirtualItem,
  Virtualizer,
} from '@tanstack/virtual-core';
import type { RefObject } from 'preact';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

/** Fewer rows than this are all rendered (a page or two: nothing to gain). */
export const VIRTUAL_FROM = 300;
/** A row's height before it is measured, in CSS pixels. */
const ESTIMATE = 33;

export interface VirtualRows {
  /** The rows to render (all of them below VIRTUAL_FROM). */
  items: VirtualItem[];
  /** Spacer heights before and after them (0 when all are rendered). */
  before: number;
  after: number;
  /** Give it to each rendered row (with data-index) so its real height is used. */
  measure: (row: HTMLTableRowElement | null) => void;
  virtual: boolean;
}

/** `keyOf(index)`: the row's identity, so a height measured stays with its row when the list
 *  changes (another filter, a page prepended), not with its position. Keep it the same
 *  function while the rows are the same (useCallback): virtual-core recomputes every row's
 *  place whenever it changes. */
export function useVirtualRows(
  count: number,
  scroller: RefObject<HTMLElement | null>,
  keyOf: (index: number) => string,
): VirtualRows {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [v] = useState(
    () =>
      new Virtualizer<HTMLElement, HTMLTableRowElement>({
        count,
        getScrollElement: () => scroller.current,
        estimateSize: () => ESTIMATE,
        overscan: 12,
        observeElementRect,
        observeElementOffset,
        scrollToFn: elementScroll,
        onChange: () => rerender(0),
      }),
  );
  // No scroll anchoring when a row above the view is measured: the correction is made from
  // the last scroll event's offset, so while the table is being scrolled it pulled the view
  // back to where it was, frame after frame (bench:ui saw the table stuck). A row measured a
  // pixel off its estimate moves nothing a reader would notice.
  v.shouldAdjustScrollPositionOnItemSizeChange = () => false;
  v.setOptions({ ...v.options, count, getItemKey: keyOf });
  useLayoutEffect(() => v._didMount(), []);
  useLayoutEffect(() => v._willUpdate());

  if (count < VIRTUAL_FROM) {
    const items = Array.from({ length: count }, (_, index) => ({
      key: index,
      index,
      start: 0,
      end: 0,
      size: 0,
      lane: 0,
    }));
    return { items, before: 0, after: 0, measure: () => {}, virtual: false };
  }
  const items = v.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = Math.max(0, v.getTotalSize() - (items.at(-1)?.end ?? 0));
  // The instance's own (stable) function: a new one each render would make Preact call the
  // ref again each render, and each measurement renders again: a loop that never yields.
  return { items, before, after, measure: v.measureElement, virtual: true };
}
