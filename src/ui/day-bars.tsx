// A stacked bar per day, drawn as SVG by Preact (no chart library: fourteen bars do not need
// one; README "The web UI" says why not ECharts or uPlot). No inline style (the CSP refuses it):
// colours come from style.css (.series-0 …); every segment has a <title> (a tooltip, read as
// text), and the page puts the same numbers in a table beside it for keyboards and readers.
import type { DayTable } from './days.js';

const BAR = 24;
const GAP = 8;
const HEIGHT = 120;
const AXIS = 18;

/** The highest bar rounded up to 1, 2 or 5 × a power of ten, so the scale reads at a glance. */
export function niceMax(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

export function DayBars(props: {
  table: DayTable;
  /** What the chart shows, for readers (role="img"). */
  label: string;
  /** A series' name as shown (the legend, the tooltips). */
  name: (series: string) => string;
  format: (n: number) => string;
}) {
  const { days, series, cells, totals } = props.table;
  const top = niceMax(Math.max(0, ...totals));
  const width = days.length * (BAR + GAP) + GAP;
  const y = (n: number) => (n / top) * HEIGHT;
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${HEIGHT + AXIS + 12}`}
        role="img"
        aria-label={props.label}
        preserveAspectRatio="xMinYMin meet"
      >
        <line class="chart-rule" x1={0} x2={width} y1={12} y2={12} />
        <text class="chart-axis" x={2} y={10}>
          {props.format(top)}
        </text>
        <line class="chart-rule" x1={0} x2={width} y1={HEIGHT + 12} y2={HEIGHT + 12} />
        {days.map((d, i) => {
          const x = GAP + i * (BAR + GAP);
          let base = HEIGHT + 12;
          return (
            <g key={d.key}>
              {series.map((s, k) => {
                const n = cells.get(s)?.[i] ?? 0;
                if (!n) return null;
                const h = Math.max(1, y(n));
                base -= h;
                return (
                  <rect key={s} class={`series-${k % 8}`} x={x} y={base} width={BAR} height={h}>
                    <title>{`${d.key} ${props.name(s)}: ${props.format(n)}`}</title>
                  </rect>
                );
              })}
              <text
                class="chart-axis"
                x={x + BAR / 2}
                y={HEIGHT + 12 + AXIS - 4}
                text-anchor="middle"
              >
                {d.key.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      {series.length > 1 && (
        <figcaption>
          <ul class="legend">
            {series.map((s, k) => (
              <li key={s}>
                <span class={`swatch series-${k % 8}`} aria-hidden="true" />
                {props.name(s)}
              </li>
            ))}
          </ul>
        </figcaption>
      )}
    </figure>
  );
}
