// The confidentiality pledge window (issue 14 §3): the policy's rules in both languages as the
// policy writes them (text, never HTML), the monitoring notice (recorded.ts), and one button
// that confirms this very text (its SHA-256, so a text changed since it was shown is refused by
// the agent: PLEDGE_CHANGED, and the new text is shown instead). The tray opens it on first run
// and whenever the text changes; confirming records policy.acknowledged in the agent.
import { useEffect, useState } from 'preact/hooks';
import type { Lang } from '../../core/i18n/types.js';
import type { PledgeView, StatusResult } from '../../core/protocol/messages.js';
import type { BaomiBridge } from '../../preload/preload.js';
import { codeOf, reasonOf } from '../common/format.js';
import { LangButton, otherLang, useLang } from '../common/lang-switch.js';
import { recordedLines } from './recorded.js';

type Step = 'reading' | 'sending' | 'done' | 'changed';

export function PledgeApp(props: { bridge: BaomiBridge; lang: Lang }) {
  const { bridge } = props;
  const [lang, t, switchLang] = useLang(bridge, props.lang);
  const [view, setView] = useState<PledgeView | null>(null);
  const [status, setStatus] = useState<StatusResult | null>(null);
  const [step, setStep] = useState<Step>('reading');
  const [error, setError] = useState<unknown>(null);

  const load = async () => {
    try {
      setView(await bridge.pledge());
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load();
    bridge.status().then(setStatus, () => setStatus(null)); // the notice then says the least
  }, []);
  useEffect(() => {
    document.title = t('pledge.title');
  }, [lang]);

  const accept = async () => {
    const p = view?.pledge;
    if (!p) return;
    setStep('sending');
    try {
      await bridge.acknowledgePledge(p.sha256);
      setStep('done');
      setError(null);
    } catch (e) {
      if (codeOf(e instanceof Error ? e.message : String(e)) === 'PLEDGE_CHANGED') {
        setStep('changed');
        await load();
      } else {
        setStep('reading');
        setError(e);
      }
    }
  };

  const other = otherLang(lang);
  const p = view?.pledge;
  return (
    <main class="pledge">
      <header class="top">
        <h1>{t('pledge.title')}</h1>
        <LangButton lang={lang} t={t} onClick={switchLang} />
      </header>
      {error !== null && (
        <p class="error" role="alert" data-testid="pledge-error">
          {t('error.agent', { reason: reasonOf(t, error) })}
        </p>
      )}
      {step === 'changed' && (
        <p class="warn" role="status">
          {t('pledge.changed')}
        </p>
      )}
      {view && !p && <p data-testid="pledge-none">{t('pledge.none')}</p>}
      {p && (
        <>
          <p>{t('pledge.intro', { version: p.version })}</p>
          {/* The reader's language first, the other beside it: both are the policy's words. */}
          {[lang, other].map((l) => (
            <section class="rules" lang={l} key={l} data-testid={`pledge-text-${l}`}>
              <pre>{p[l]}</pre>
            </section>
          ))}
        </>
      )}
      <section aria-labelledby="rec-h">
        <h2 id="rec-h">{t('pledge.recorded')}</h2>
        <ul data-testid="pledge-recorded">
          {recordedLines(t, status).map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      </section>
      {p && (
        <div class="actions" data-testid="pledge-state" role="status">
          {step === 'done' || view?.acknowledged === true ? (
            <p class="good">{step === 'done' ? t('pledge.done') : t('pledge.already')}</p>
          ) : (
            <button
              type="button"
              class="primary"
              disabled={step === 'sending'}
              onClick={() => void accept()}
            >
              {step === 'sending' ? t('pledge.accepting') : t('pledge.accept')}
            </button>
          )}
        </div>
      )}
    </main>
  );
}
