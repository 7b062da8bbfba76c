// The shell of the console's web UI: who is logged in, the navigation (hash routes, so the
// server serves one page), the language switch, and one place where failures are shown in the
// person's language. A session that ends mid-work brings the login over the page (which stays
// mounted underneath, forms and all).
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, logout, logoutEverywhere, type Me, me, whenExpired } from './api.js';
import { lang, setLang, t } from './i18n.js';
import { AlertsPage } from './pages/alerts.js';
import { CasePage, CasesPage } from './pages/cases.js';
import { EventsPage } from './pages/events.js';
import { LoginPage } from './pages/login.js';

type Route =
  | { page: 'events' }
  | { page: 'alerts' }
  | { page: 'cases' }
  | { page: 'case'; id: number };

function parse(hash: string): Route {
  const m = /^#\/cases\/(\d+)$/.exec(hash);
  if (m) return { page: 'case', id: Number(m[1]) };
  if (hash === '#/alerts') return { page: 'alerts' };
  if (hash === '#/cases') return { page: 'cases' };
  return { page: 'events' };
}

export function App() {
  const [user, setUser] = useState<Me | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const [route, setRoute] = useState<Route>(parse(location.hash));
  const [error, setError] = useState<string | null>(null);
  const [, rerender] = useState(0);

  useEffect(() => {
    whenExpired(() => setExpired(true));
    me().then(setUser, () => setUser(null));
    const f = () => {
      setRoute(parse(location.hash));
      setError(null);
    };
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);

  /** Shows a failure in the person's language (null: clears it). */
  const onError = (e: unknown) => {
    if (e === null) return setError(null);
    if (e instanceof ApiFailure && e.status === 401) return; // the login shows
    setError(e instanceof Error ? e.message : String(e));
  };
  const go = (hash: string) => {
    location.hash = hash;
  };

  if (user === undefined) return <p>{t('common.loading')}</p>;
  if (user === null)
    return (
      <main>
        <LoginPage
          expired={false}
          onLogin={(m) => {
            setUser(m);
            setExpired(false);
          }}
        />
      </main>
    );
  const canChange = user.role !== 'auditor';
  return (
    <>
      <header>
        <strong>{t('app.title')}</strong>
        <nav aria-label="main">
          <a href="#/events" aria-current={route.page === 'events' ? 'page' : undefined}>
            {t('nav.events')}
          </a>
          <a href="#/alerts" aria-current={route.page === 'alerts' ? 'page' : undefined}>
            {t('nav.alerts')}
          </a>
          <a href="#/cases" aria-current={route.page.startsWith('case') ? 'page' : undefined}>
            {t('nav.cases')}
          </a>
        </nav>
        <span class="who">
          {user.name} ({user.role})
        </span>
        <button
          type="button"
          onClick={async () => {
            await setLang(lang() === 'zh-CN' ? 'en' : 'zh-CN');
            rerender((n) => n + 1);
          }}
        >
          {t('nav.lang')}
        </button>
        <button
          type="button"
          onClick={async () => {
            await logout().catch(() => {});
            setUser(null);
          }}
        >
          {t('nav.logout')}
        </button>
        <button
          type="button"
          onClick={async () => {
            await logoutEverywhere().catch(() => {});
            setUser(null);
          }}
        >
          {t('nav.logoutAll')}
        </button>
      </header>
      <main>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {route.page === 'events' && <EventsPage onError={onError} />}
        {route.page === 'alerts' && (
          <AlertsPage
            onError={onError}
            canChange={canChange}
            openCase={(id) => go(`#/cases/${id}`)}
          />
        )}
        {route.page === 'cases' && (
          <CasesPage onError={onError} open={(id) => go(`#/cases/${id}`)} />
        )}
        {route.page === 'case' && (
          <CasePage id={route.id} onError={onError} canChange={canChange} />
        )}
      </main>
      {expired && (
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="login-h">
          <LoginPage
            expired
            onLogin={(m) => {
              setUser(m);
              setExpired(false);
            }}
          />
        </div>
      )}
    </>
  );
}
