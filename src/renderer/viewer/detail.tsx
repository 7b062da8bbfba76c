// An event's detail (issue 14 §5): what happened in plain words, the rule that fired
// (src/ui/event-rule.ts, shared with the console), every field, and the event as recorded
// (its data as JSON text: a file name stays text). Escape or the button closes it.
import { useEffect, useRef } from 'preact/hooks';
import type { BaomiEvent } from '../../core/events/types.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { Lang } from '../../core/i18n/types.js';
import { type Rule, ruleOf } from '../../ui/event-rule.js';
import { when } from '../common/format.js';
import { plainWords } from './plain.js';

function ruleText(t: Translate, r: Rule | null): string {
  if (r === null) return t('detail.rule.none');
  if (r.kind === 'folder') return t('detail.rule.folder', { root: r.root, level: r.level });
  return t(r.key, { ...r.params, defaultValue: r.defaultValue });
}

export function EventDetail(props: {
  event: BaomiEvent;
  lang: Lang;
  t: Translate;
  onClose: () => void;
}) {
  const { event: e, t } = props;
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), [e.seq]);
  const title = t('detail.title', { seq: e.seq });
  const field = (label: string, value: string | undefined) => (
    <>
      <dt>{t(label)}</dt>
      <dd>{value ?? '—'}</dd>
    </>
  );
  return (
    <aside
      class="detail"
      aria-label={title}
      data-testid="viewer-detail"
      onKeyDown={(k) => k.key === 'Escape' && props.onClose()}
    >
      <header>
        <h2>{title}</h2>
        <button type="button" ref={close} onClick={props.onClose}>
          {t('detail.close')}
        </button>
      </header>
      <p class="what" data-testid="detail-what">
        {plainWords(t, e)}
      </p>
      <h3>{t('detail.rule')}</h3>
      <p data-testid="detail-rule">{ruleText(t, ruleOf(e))}</p>
      <dl>
        {field('detail.time', when(e.ts))}
        {field('detail.type', e.type)}
        {field('detail.severity', t(`sev.${e.severity}`, { defaultValue: e.severity }))}
        {field('detail.level', e.level)}
        {field('detail.user', e.user)}
        {field('detail.host', e.host)}
        {field('detail.hash', e.hash)}
      </dl>
      <h3>{t('detail.raw')}</h3>
      <pre data-testid="detail-raw">{JSON.stringify(e.data, null, 2)}</pre>
    </aside>
  );
}
