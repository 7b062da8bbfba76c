// Redeeming an exception token (issue 14 §1): the person pastes what the confidentiality office
// sent. Only text that is no token at all is refused here (core/exceptions/token-shape.ts, as the
// CLI does); everything BMX1-shaped goes to the agent, which alone verifies it and records each
// refusal (a tampered token is something security staff want to see). The agent's refusal is
// worded by core's catalogues, with its moments in local time; the pasted text stays.
import { useState } from 'preact/hooks';
import { tokenShape } from '../../core/exceptions/token-shape.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { ActiveException } from '../../core/usb/types.js';
import type { BaomiBridge } from '../../preload/preload.js';
import { reasonOf, when } from '../common/format.js';

/** The params of exception refusals that hold a moment (core/exceptions/token.ts: isoTime). */
const TIMES = ['notBefore', 'notAfter', 'newest', 'at'];

export function RedeemForm(props: { bridge: BaomiBridge; t: Translate }) {
  const { bridge, t } = props;
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  /** Why the last try failed: the page's own check (a key) or the agent's refusal, worded when
   *  shown so that a language switch rewords it. */
  const [error, setError] = useState<{ key: string; params?: object } | { agent: unknown } | null>(
    null,
  );
  const [granted, setGranted] = useState<ActiveException | null>(null);

  const send = async (e: Event) => {
    e.preventDefault();
    setGranted(null);
    const shape = tokenShape(text);
    if (!shape.ok) {
      // The CLI's words for these name its flags; the window says it its way.
      setError(
        shape.code === 'EXCEPTION_TOO_LONG'
          ? { key: 'redeem.tooLong', params: { length: text.length } }
          : { key: 'redeem.malformed' },
      );
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const { exception } = await bridge.redeemToken(shape.compact);
      setGranted(exception);
      setText('');
    } catch (err) {
      setError({ agent: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void send(e)} data-testid="redeem-form" noValidate>
      <label class="field">
        <span>{t('redeem.token')}</span>
        <textarea
          name="token"
          rows={5}
          spellcheck={false}
          value={text}
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      {error !== null && (
        <p class="error" role="alert" data-testid="redeem-error">
          {'agent' in error
            ? t('error.agent', { reason: reasonOf(t, error.agent, TIMES) })
            : t(error.key, error.params as Record<string, unknown>)}
        </p>
      )}
      {granted && (
        <p class="good" role="status" data-testid="redeem-done">
          {t('redeem.done', {
            device: granted.device,
            until: when(granted.notAfter),
            reason: granted.reason,
          })}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy || text.trim() === ''}>
        {busy ? t('redeem.sending') : t('redeem.send')}
      </button>
    </form>
  );
}
