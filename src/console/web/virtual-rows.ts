// Virtual rows for long tables (issue 13 §4): only the rows in view (and a few either side) are
// in the page, from the first page on. Rows are of one height (2rem, style.css) and placed
// absolutely in a body as tall as all of them, so a row coming into view is laid out and
// painted alone: with spacer rows in a real table layout, every row added or removed laid the
// whole table out again, each frame of a scroll (bench:ui measured that, and the 200 rows of
// a first page rendered where ~25 are seen). TanStack's virtual-core does the arithmetic; this
// is its Preact binding, as its React adapter is one: an instance kept across renders, told of
// the row count each render, and a re-render when it says so. Places are set through the
// CSSOM (Preact's style object), which the page's Content-Security-Policy (style-src 'self')
// allows; a style attribute would be refused.
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type VirtualItem,
  Virtualizer,
} from '@tanstack/virtual-core';
import type { RefObject } from 'preact';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

/** A row's height in root ems, as style.css sets it (so it follows the reader's font size). */
const ROW_REM = 2;
/** The scroll box's height as style.css sets it (70vh), known before it is laid out. */
const BOX_VH = 0.7;

export interface VirtualRows {
  /** The rows to render, each with its `start` (its offset in the body, in CSS pixels). */
  items: VirtualItem[];
  /** The body's height: every row's. */
  total: number;
}

function rowPx(): number {
  if (typeof document === 'undefined') return 32;
  return ROW_REM * (Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 16);
}

/** `keyOf(index)`: the row's identity. Keep it the same function while the rows are the same
 *  (useCallback): virtual-core recomputes every row's place whenever it changes. */
export function useVirtualRows(
  count: number,
  scroller: RefObject<HTMLElement | null>,
  keyOf: (index: number) => string,
): VirtualRows {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [v] = useState(() => {
    const size = rowPx();
    return new Virtualizer<HTMLElement, HTMLTableRowElement>({
      count,
      getScrollElement: () => scroller.current,
      estimateSize: () => size,
      overscan: 10,
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      onChange: () => rerender(0),
      // Before the box is measured (its first render), its height from the style: the first
      // render is then the one painted, not a few rows and a second render.
      initialRect: {
        width: 0,
        height: typeof window === 'undefined' ? 0 : window.innerHeight * BOX_VH,
      },
    });
  });
  v.setOptions({ ...v.options, count, getItemKey: keyOf });
  useLayoutEffect(() => v._didMount(), []);
  useLayoutEffect(() => v._willUpdate());
  return { items: v.getVirtualItems(), total: v.getTotalSize() };
}
