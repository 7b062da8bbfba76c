// The events page's export (issue 13 §4): CSV or JSON lines of every event the applied
// filters match, streamed by the console, with a live count of the rows received and a
// cancel. Nothing is saved unless the whole file arrived (export.ts).
import { useRef, useState } from 'preact/hooks';
import type { EventExportFormat } from '../../../core/console/events-export.js';
import { exportEvents } from '../export.js';
import { t } from '../i18n.js';

function size(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.ceil(bytes / 1024)} KB`
    : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function ExportButtons(props: { params: URLSearchParams; onError: (e: unknown) => void }) {
  const [status, setStatus] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);

  async function run(format: EventExportFormat) {
    const ctl = new AbortController();
    abort.current = ctl;
    setRunning(true);
    setStatus(t('events.export.progress', { rows: 0, size: size(0) }));
    props.onError(null);
    try {
      const rows = await exportEvents(
        format,
        props.params,
        (p) => setStatus(t('events.export.progress', { rows: p.rows, size: size(p.bytes) })),
        ctl.signal,
      );
      setStatus(t('events.export.done', { rows }));
    } catch (e) {
      if (ctl.signal.aborted) setStatus(t('events.export.cancelled'));
      else {
        setStatus(null);
        props.onError(e);
      }
    } finally {
      abort.current = null;
      setRunning(false);
    }
  }

  return (
    <div class="export" data-testid="events-export">
      <button type="button" disabled={running} onClick={() => void run('csv')}>
        {t('events.export.csv')}
      </button>
      <button type="button" disabled={running} onClick={() => void run('json')}>
        {t('events.export.json')}
      </button>
      {running && (
        <button type="button" onClick={() => abort.current?.abort()}>
          {t('common.cancel')}
        </button>
      )}
      <span class="muted">{t('events.export.hint')}</span>
      <p role="status" aria-live="polite" data-testid="export-status">
        {status ?? ''}
      </p>
    </div>
  );
}
