// Whether the log is intact and where it goes (issue 14 §5: "the chain check ('log intact' or
// the first broken link), sync state"). The agent checks its chain itself (at start and daily)
// and says so in `status` (core/events/chain-status.ts words it); security staff on admin.sock
// may run a full walk now (`verify`; agent.sock refuses it, so the button is theirs only, and a
// refusal is shown as the agent words it). Sync: the console the policy names, its last acceptance, what waits.
import { useState } from 'preact/hooks';
import type { ChainStatus } from '../../core/events/chain-status.js';
import { chainStatusLines } from '../../core/events/chain-status.js';
import { describeChainBreak } from '../../core/events/messages.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { StatusResult, VerifyResult } from '../../core/protocol/messages.js';
import type { BaomiBridge } from '../../preload/preload.js';
import { count, reasonOf } from '../common/format.js';
import { syncText } from '../common/sync-text.js';

function verifyText(t: Translate, r: VerifyResult): string {
  if (r.ok) return t('chain.intact', { checked: count(r.checked) });
  const first = r.breaks[0];
  return first
    ? t('chain.broken', { seq: first.seq, text: describeChainBreak(t, first) })
    : t('chain.broken', { seq: '?', text: '' });
}

export function Health(props: {
  status: StatusResult | null;
  bridge: BaomiBridge;
  /** Security staff (admin.sock): a full walk may be run now; agent.sock refuses it. */
  canVerify: boolean;
  t: Translate;
}) {
  const { status, t } = props;
  /** The last full walk's answer or failure, worded at render (a language switch rewords it). */
  const [check, setCheck] = useState<{ busy: boolean; result?: VerifyResult; error?: unknown }>({
    busy: false,
  });
  const chain = status?.chain as ChainStatus | undefined;
  const lines = status ? chainStatusLines(t, chain) : [];
  const run = async () => {
    setCheck({ busy: true });
    try {
      setCheck({ busy: false, result: await props.bridge.verify() });
    } catch (error) {
      setCheck({ busy: false, error });
    }
  };
  return (
    <section class="health" aria-labelledby="chain-h">
      <h2 id="chain-h">{t('chain.title')}</h2>
      <ul data-testid="viewer-chain" class={chain?.ok === false ? 'bad' : ''}>
        {lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      {props.canVerify && (
        <button type="button" disabled={check.busy} onClick={() => void run()}>
          {check.busy ? t('chain.checking') : t('chain.check')}
        </button>
      )}
      {(check.result !== undefined || check.error !== undefined) && (
        <p data-testid="viewer-verify" class={check.result?.ok ? 'good' : 'bad'} role="status">
          {check.result ? verifyText(t, check.result) : reasonOf(t, check.error)}
        </p>
      )}
      <h2>{t('sync.title')}</h2>
      <p data-testid="viewer-sync">{status ? syncText(t, status) : '—'}</p>
    </section>
  );
}
