// The status window's first part (issue 14 §1, "status"): how protected this computer is, in the
// words of the tray's icon (core/status/protection.ts), then what stands behind it: the policy,
// USB storage, each classified folder, who is at the computer, the log and where it goes.
// Values from the agent (folder paths, policy names, user names) are rendered as text.
import { type ChainStatus, chainStatusLines } from '../../core/events/chain-status.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { StatusResult } from '../../core/protocol/messages.js';
import { protectionView } from '../../core/status/protection.js';
import { count, when } from '../common/format.js';
import { syncText } from '../common/sync-text.js';
import { protectionLines } from './lines.js';

export function Overview(props: { status: StatusResult | null; at: number | null; t: Translate }) {
  const { status, t } = props;
  const [head, ...reasons] = protectionLines(t, status);
  const state = protectionView(status).state;
  const row = (label: string, value: preact.ComponentChildren, id?: string) => (
    <>
      <dt>{label}</dt>
      <dd data-testid={id}>{value}</dd>
    </>
  );
  return (
    <section aria-labelledby="state-h" class="overview">
      <h2 id="state-h" class={`state ${state}`} data-testid="status-state">
        {head}
      </h2>
      {reasons.length > 0 && (
        <ul class="reasons" data-testid="status-reasons">
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {status?.running && (
        <dl class="facts">
          {row(
            t('status.policy'),
            status.policy ? t('status.policy.value', status.policy) : t('status.none'),
            'status-policy',
          )}
          {row(
            t('status.usb'),
            status.usb.enforcing
              ? t('status.usb.on')
              : `${t('status.usb.off')}${status.usb.reason ? `: ${t(status.usb.reason)}` : ''}`,
            'status-usb',
          )}
          {row(
            t('status.folders'),
            status.watched.length === 0 ? (
              t('status.none')
            ) : (
              <ul class="plain">
                {status.watched.map((w) => (
                  <li key={w.path} class={w.state === 'watching' ? '' : 'bad'}>
                    {`${w.path} (${w.level}): ${t(`status.folder.${w.state}`)}`}
                  </li>
                ))}
              </ul>
            ),
            'status-folders',
          )}
          {row(t('status.user'), status.seatUser?.name ?? t('status.user.unknown'), 'status-user')}
          {row(t('status.events'), count(status.events.stored))}
          {row(t('status.sync'), syncText(t, status), 'status-sync')}
          {row(
            t('status.chain'),
            chainStatusLines(t, status.chain as ChainStatus | undefined).join(' '),
            'status-chain',
          )}
          {row(
            t('status.watermark'),
            status.watermark?.enabled ? t('status.watermark.on') : t('status.watermark.off'),
          )}
        </dl>
      )}
      {props.at !== null && <p class="muted">{t('status.checked', { at: when(props.at) })}</p>}
    </section>
  );
}
