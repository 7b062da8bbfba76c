// Asking for a USB exception (issue 14 §1): pick a device this computer refused the person lately
// (devices.ts) or type the ID IT gave, say why, send. Checked here as the agent will check it
// (core/exceptions/fields.ts), so a mistake is said at once; the agent checks again and records
// the request as the seat user's (usb.exception-requested), and the sync module sends it to the
// console. Where it goes next is said from the agent's sync state. The form keeps what was
// typed through any refusal; only a recorded request clears it.
import { useState } from 'preact/hooks';
import { normaliseDevice } from '../../core/exceptions/fields.js';
import { MAX_REASON_CHARS } from '../../core/exceptions/limits.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { StatusResult } from '../../core/protocol/messages.js';
import type { BaomiBridge } from '../../preload/preload.js';
import { count, reasonOf, when } from '../common/format.js';
import { RECENT_DAYS, type RefusedDevice } from './devices.js';
import { requestProblem, routeText, type Said } from './request-check.js';

const OTHER = '';

export function RequestForm(props: {
  bridge: BaomiBridge;
  t: Translate;
  devices: RefusedDevice[] | null;
  /** Why the devices could not be read (the list is then empty; an ID can still be typed). */
  devicesError: unknown;
  status: StatusResult | null;
}) {
  const { bridge, t, devices } = props;
  const [choice, setChoice] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Said | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<{ id: string; device: string } | null>(null);
  // The newest refused device is offered first; "another" when there is none. A choice no
  // longer listed (the list was read again) is not sent unseen: the default applies again.
  const listed = choice === OTHER || devices?.some((d) => d.id === choice);
  const picked = (listed ? choice : null) ?? devices?.[0]?.id ?? OTHER;
  const device = picked === OTHER ? normaliseDevice(typed.trim()) : picked;

  const send = async (e: Event) => {
    e.preventDefault();
    const p = requestProblem(device, reason.trim());
    setProblem(p);
    setError(null);
    if (p) return;
    setBusy(true);
    try {
      const { requestId } = await bridge.requestException({ device, reason: reason.trim() });
      // Named as the person saw it in the list, and by the ID the office will see.
      const label = devices?.find((d) => d.id === device)?.label;
      setSent({ id: requestId, device: label ? `${label} (${device})` : device });
      setReason('');
      setTyped('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    const route = routeText(t, props.status);
    return (
      <div data-testid="request-sent" role="status">
        <p class="good">{t('request.sent', sent)}</p>
        {route !== null && <p>{route}</p>}
        <button type="button" onClick={() => setSent(null)}>
          {t('request.another')}
        </button>
      </div>
    );
  }
  const length = [...reason.trim()].length;
  return (
    <form onSubmit={(e) => void send(e)} data-testid="request-form" noValidate>
      <fieldset>
        <legend>{t('request.devices', { days: RECENT_DAYS })}</legend>
        {props.devicesError !== null ? (
          <p class="error" data-testid="request-devices-error">
            {t('request.devices.error', { reason: reasonOf(t, props.devicesError) })}
          </p>
        ) : (
          devices !== null &&
          devices.length === 0 && (
            <p class="muted">{t('request.devices.none', { days: RECENT_DAYS })}</p>
          )
        )}
        {(devices ?? []).map((d) => (
          <label class="choice" key={d.id}>
            <input
              type="radio"
              name="device"
              value={d.id}
              checked={picked === d.id}
              onChange={() => setChoice(d.id)}
            />
            <span>{t(`request.device.${d.verdict}`, { label: d.label, at: when(d.at) })}</span>
          </label>
        ))}
        <label class="choice">
          <input
            type="radio"
            name="device"
            value={OTHER}
            checked={picked === OTHER}
            onChange={() => setChoice(OTHER)}
          />
          <span>{t('request.other')}</span>
        </label>
        {picked === OTHER && (
          <label class="field">
            <span>{t('request.deviceId')}</span>
            <input
              name="deviceId"
              value={typed}
              maxLength={256}
              spellcheck={false}
              autocomplete="off"
              onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
            />
          </label>
        )}
      </fieldset>
      <label class="field">
        <span>{t('request.reason')}</span>
        <textarea
          name="reason"
          rows={4}
          value={reason}
          maxLength={MAX_REASON_CHARS * 2}
          onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
        />
        <span class={length > MAX_REASON_CHARS ? 'bad' : 'muted'}>
          {t('request.reason.count', { length: count(length), max: count(MAX_REASON_CHARS) })}
        </span>
      </label>
      {(problem ?? error) !== null && (
        <p class="error" role="alert" data-testid="request-error">
          {problem
            ? t(problem.key, problem.params)
            : t('error.agent', { reason: reasonOf(t, error) })}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('request.sending') : t('request.send')}
      </button>
    </form>
  );
}
