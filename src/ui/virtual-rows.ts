// Virtual rows for long tables (issue 13 §3, §4): only the rows in view (and a few either side)
// are in the page, from the first rows on. Rows are of one height (style.css's --row of the
// table, in root ems so it follows the reader's font size) and placed
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
import { Component, type RefObject } from 'preact';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

/** The scroll box's height as style.css sets it (70vh), known before it is laid out. */
const BOX_VH = 0.7;

export interface VirtualRows {
  /** The rows to render, each with its `start` (its offset in the body, in CSS pixels). */
  items: VirtualItem[];
  /** The body's height: every row's. */
  total: number;
}

/** `rem` root ems in CSS pixels, as laid out now. */
export function rowPx(rem: number): number {
  if (typeof document === 'undefined') return rem * 16;
  return rem * (Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 16);
}

/** `keyOf(index)`: the row's identity. Keep it the same function while the rows are the same
 *  (useCallback): virtual-core recomputes every row's place whenever it changes. `rowRem`: a
 *  row's height in root ems, the table's --row in style.css. */
export function useVirtualRows(
  count: number,
  scroller: RefObject<HTMLElement | null>,
  keyOf: (index: number) => string,
  rowRem: number,
): VirtualRows {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [v] = useState(() => {
    const size = rowPx(rowRem);
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

/** A row that renders again only when one of its props changed (shallowly, as React's
 *  PureComponent, which Preact has only in preact/compat): a scroll renders the rows coming
 *  into view, not every row. Give it props that keep their identity (the row's object, stable
 *  callbacks) and a `lang` prop, so a language switch renders every row again. */
export abstract class PureRow<P extends { lang: string }> extends Component<P> {
  override shouldComponentUpdate(next: P): boolean {
    const p = this.props as Record<string, unknown>;
    const n = next as Record<string, unknown>;
    for (const k in n) if (n[k] !== p[k]) return true;
    for (const k in p) if (!(k in n)) return true;
    return false;
  }
}
