// The tray's status window (issue 14 §1): how protected this computer is, then the two things a
// person may do about a blocked USB device: ask for an exception, or redeem one granted. The
// tray opens it at #request or #redeem for those menu items (src/main/windows.ts); the window
// scrolls there and puts the cursor in the form. Nothing here can weaken enforcement: a request
// is a record, and only the agent decides whether a token opens anything.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Lang } from '../../core/i18n/types.js';
import type { StatusResult } from '../../core/protocol/messages.js';
import type { BaomiBridge } from '../../preload/preload.js';
import { reasonOf } from '../common/format.js';
import { LangButton, useLang } from '../common/lang-switch.js';
import { RECENT_DAYS, REFUSED_TYPES, type RefusedDevice, refusedDevices } from './devices.js';
import { Overview } from './overview.js';
import { RedeemForm } from './redeem.js';
import { RequestForm } from './request.js';

const STATUS_EVERY_MS = 10_000;
const SECTIONS = ['request', 'redeem'] as const;

/** Scrolls to the section the URL names and puts the cursor where the person types (the
 *  reason, with the newest refused device already chosen; the token). */
function goToHash(): void {
  const id = location.hash.slice(1);
  if (!(SECTIONS as readonly string[]).includes(id)) return;
  const section = document.getElementById(id);
  section?.scrollIntoView({ block: 'start' });
  section?.querySelector<HTMLElement>('textarea')?.focus({ preventScroll: true });
}

export function StatusApp(props: { bridge: BaomiBridge; lang: Lang }) {
  const { bridge } = props;
  const [lang, t, switchLang] = useLang(bridge, props.lang);
  const [status, setStatus] = useState<StatusResult | null>(null);
  const [at, setAt] = useState<number | null>(null);
  const [statusError, setStatusError] = useState<unknown>(null);
  const [devices, setDevices] = useState<RefusedDevice[] | null>(null);
  const [devicesError, setDevicesError] = useState<unknown>(null);
  /** The newest status asked: a slow answer to an older one is dropped, not shown over it. */
  const asked = useRef(0);

  const refresh = async () => {
    const mine = ++asked.current;
    let next: StatusResult | null = null;
    let error: unknown = null;
    try {
      next = await bridge.status();
    } catch (e) {
      // The agent not answering: the state says so (agent-down), and why is shown above it.
      error = e;
    }
    if (mine !== asked.current) return;
    setStatus(next);
    setStatusError(error);
    setAt(Date.now());
  };
  const loadDevices = async () => {
    try {
      const { events } = await bridge.events({
        types: REFUSED_TYPES,
        since: Date.now() - RECENT_DAYS * 86_400_000,
        order: 'desc',
        limit: 1000,
      });
      setDevices(refusedDevices(events));
      setDevicesError(null);
    } catch (e) {
      setDevices([]); // the ID can still be typed; the form says why the list is empty
      setDevicesError(e);
    }
  };

  useEffect(() => {
    document.title = t('status.title');
  }, [lang]);
  useEffect(() => {
    void refresh();
    void loadDevices().then(() => requestAnimationFrame(goToHash));
    const timer = setInterval(() => void refresh(), STATUS_EVERY_MS);
    const onHash = () => {
      void loadDevices();
      goToHash();
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      clearInterval(timer);
      window.removeEventListener('hashchange', onHash);
    };
  }, []);

  return (
    <main class="status">
      <header class="top">
        <h1>{t('status.title')}</h1>
        <div class="buttons">
          <button type="button" onClick={() => void refresh()}>
            {t('status.refresh')}
          </button>
          <LangButton lang={lang} t={t} onClick={switchLang} />
        </div>
      </header>
      {statusError !== null && (
        <p class="error" role="alert" data-testid="status-error">
          {t('error.agent', { reason: reasonOf(t, statusError) })}
        </p>
      )}
      <Overview status={status} at={at} t={t} />
      <nav aria-label={t('status.actions')} class="actions">
        <span>{t('status.actions')}</span> <a href="#request">{t('status.toRequest')}</a>{' '}
        <a href="#redeem">{t('status.toRedeem')}</a>
      </nav>
      <section id="request" aria-labelledby="request-h">
        <h2 id="request-h">{t('request.title')}</h2>
        <p class="muted">{t('request.intro')}</p>
        <RequestForm
          bridge={bridge}
          t={t}
          devices={devices}
          devicesError={devicesError}
          status={status}
        />
      </section>
      <section id="redeem" aria-labelledby="redeem-h">
        <h2 id="redeem-h">{t('redeem.title')}</h2>
        <p class="muted">{t('redeem.intro')}</p>
        <RedeemForm bridge={bridge} t={t} />
      </section>
    </main>
  );
}
