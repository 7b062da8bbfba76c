// Export buttons with a progress indicator (issue 14 §5): every matching event (export.ts),
// then saved through the browser's download (the tray's window asks where to save it). One
// export at a time; a failure says why in the reader's words and keeps the table as it is.
import { useState } from 'preact/hooks';
import type { BaomiEvent } from '../../core/events/types.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { EventFilter } from '../../core/protocol/messages.js';
import { count, reasonOf } from '../common/format.js';
import { type ExportFormat, exportFileName, exportParts } from './export.js';
import type { EventSource } from './load.js';
import { plainWords } from './plain.js';

type State =
  | { kind: 'idle' }
  | { kind: 'busy'; written: number }
  | { kind: 'done'; count: number; file: string }
  | { kind: 'failed'; error: unknown };

function save(parts: string[], format: ExportFormat, file: string): void {
  const type = format === 'csv' ? 'text/csv;charset=utf-8' : 'application/x-ndjson';
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference once started; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ExportButtons(props: { source: EventSource; filter: EventFilter; t: Translate }) {
  const { t } = props;
  const [state, setState] = useState<State>({ kind: 'idle' });
  const start = async (format: ExportFormat) => {
    setState({ kind: 'busy', written: 0 });
    try {
      const what = (e: BaomiEvent) => plainWords(t, e);
      const out = await exportParts(props.source, props.filter, format, what, (written) =>
        setState({ kind: 'busy', written }),
      );
      const file = exportFileName(format, Date.now());
      save(out.parts, format, file);
      setState({ kind: 'done', count: out.count, file });
    } catch (error) {
      setState({ kind: 'failed', error });
    }
  };
  const busy = state.kind === 'busy';
  return (
    <div class="export" data-testid="viewer-export">
      <button type="button" disabled={busy} onClick={() => void start('csv')}>
        {t('export.csv')}
      </button>
      <button type="button" disabled={busy} onClick={() => void start('json')}>
        {t('export.json')}
      </button>
      <span role="status" data-testid="export-state">
        {state.kind === 'busy' && (
          <>
            <progress aria-label={t('export.progress', { count: count(state.written) })} />{' '}
            {t('export.progress', { count: count(state.written) })}
          </>
        )}
        {state.kind === 'done' && t('export.done', { count: count(state.count), file: state.file })}
        {state.kind === 'failed' && <span class="bad">{reasonOf(t, state.error)}</span>}
      </span>
    </div>
  );
}
