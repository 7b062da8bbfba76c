// Events per day by kind (issue 14 §5), over the rows loaded: the events counted per hour and
// type, added up into the reader's last 14 days (src/ui/days.ts) and drawn as stacked bars
// (src/ui/day-bars.tsx), both shared with the console's overview. The kind is the type's
// family (usb, file, idle…).
import { useMemo } from 'preact/hooks';
import type { BaomiEvent } from '../../core/events/types.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { Lang } from '../../core/i18n/types.js';
import { DayBars } from '../../ui/day-bars.js';
import { family, hourCounts, lastDays, perDay } from '../../ui/days.js';
import { count } from '../common/format.js';

export const CHART_DAYS = 14;

export function DayChart(props: { rows: BaomiEvent[]; lang: Lang; t: Translate; now: number }) {
  const { rows, t } = props;
  const table = useMemo(
    () => perDay(hourCounts(rows), lastDays(props.now, CHART_DAYS), family),
    [rows, props.now],
  );
  return (
    <section class="chart-box" aria-labelledby="chart-h" data-testid="viewer-chart">
      <h2 id="chart-h">{t('chart.title')}</h2>
      <DayBars
        table={table}
        label={t('chart.title')}
        name={(s) => t(`kind.${s}`, { defaultValue: s })}
        format={(n) => count(n)}
      />
    </section>
  );
}
