// The shell of the console's web UI: who is logged in, the navigation (hash routes, so the
// server serves one page), the language switch, and one place where failures are shown in the
// person's language. A session that ends mid-work brings the login over the page (which stays
// mounted underneath, forms and all).
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, logout, logoutEverywhere, type Me, me, whenExpired } from './api.js';
import { type Key, lang, setLang, t } from './i18n.js';
import { AgentPage } from './pages/agent.js';
import { AgentsPage } from './pages/agents.js';
import { AlertsPage } from './pages/alerts.js';
import { AuditPage } from './pages/audit.js';
import { CasePage, CasesPage } from './pages/cases.js';
import { EventsPage } from './pages/events.js';
import { LoginPage } from './pages/login.js';
import { OverviewPage } from './pages/overview.js';
import { PoliciesPage } from './pages/policies.js';
import { ReportsPage } from './pages/reports.js';
import { RequestsPage } from './pages/requests.js';

type Simple =
  | 'overview'
  | 'agents'
  | 'alerts'
  | 'cases'
  | 'requests'
  | 'policies'
  | 'reports'
  | 'audit';
type Route =
  | { page: 'events'; agent?: string; type?: string }
  | { page: Simple }
  | { page: 'case'; id: number }
  | { page: 'agent'; id: string };

const SIMPLE: readonly Simple[] = [
  'overview',
  'agents',
  'alerts',
  'cases',
  'requests',
  'policies',
  'reports',
  'audit',
];

export function parse(hash: string): Route {
  const m = /^#\/cases\/(\d+)$/.exec(hash);
  if (m) return { page: 'case', id: Number(m[1]) };
  const one = /^#\/agents\/([^/?]+)$/.exec(hash);
  if (one) {
    try {
      return { page: 'agent', id: decodeURIComponent(one[1]!) };
    } catch {
      return { page: 'agents' }; // a malformed address (a bad % escape): the list
    }
  }
  const [path, query] = hash.split('?', 2) as [string, string | undefined];
  const name = path.replace(/^#\//, '');
  if ((SIMPLE as readonly string[]).includes(name)) return { page: name as Simple };
  if (name !== 'events') return { page: 'overview' }; // the first page, and any unknown one
  // Filters the page opens with (an agent's page links to its events, or its policy events).
  const q = new URLSearchParams(query ?? '');
  const agent = q.get('agent');
  const type = q.get('type');
  return { page: 'events', ...(agent ? { agent } : {}), ...(type ? { type } : {}) };
}

/** The pages in the navigation, in order; `who`: the roles the API lets read it. */
const NAV: { page: Route['page']; hash: string; key: Key; who?: Me['role'][] }[] = [
  { page: 'overview', hash: '#/overview', key: 'nav.overview' },
  { page: 'events', hash: '#/events', key: 'nav.events' },
  { page: 'alerts', hash: '#/alerts', key: 'nav.alerts' },
  { page: 'cases', hash: '#/cases', key: 'nav.cases' },
  { page: 'agents', hash: '#/agents', key: 'nav.agents' },
  { page: 'requests', hash: '#/requests', key: 'nav.requests' },
  { page: 'policies', hash: '#/policies', key: 'nav.policies' },
  { page: 'reports', hash: '#/reports', key: 'nav.reports' },
  { page: 'audit', hash: '#/audit', key: 'nav.audit', who: ['admin', 'auditor'] },
];

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
          {NAV.filter((n) => !n.who || n.who.includes(user.role)).map((n) => (
            <a
              key={n.page}
              href={n.hash}
              aria-current={
                route.page === n.page ||
                (n.page === 'cases' && route.page === 'case') ||
                (n.page === 'agents' && route.page === 'agent')
                  ? 'page'
                  : undefined
              }
            >
              {t(n.key)}
            </a>
          ))}
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
        {route.page === 'overview' && <OverviewPage onError={onError} />}
        {route.page === 'events' && (
          <EventsPage
            key={`${route.agent ?? ''} ${route.type ?? ''}`}
            onError={onError}
            initial={{
              ...(route.agent ? { agent: route.agent } : {}),
              ...(route.type ? { type: route.type } : {}),
            }}
          />
        )}
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
        {route.page === 'agent' && (
          <AgentPage id={route.id} onError={onError} isAdmin={user.role === 'admin'} />
        )}
        {route.page === 'agents' && (
          <AgentsPage onError={onError} isAdmin={user.role === 'admin'} />
        )}
        {route.page === 'requests' && <RequestsPage onError={onError} canChange={canChange} />}
        {route.page === 'policies' && (
          <PoliciesPage onError={onError} isAdmin={user.role === 'admin'} />
        )}
        {route.page === 'reports' && <ReportsPage onError={onError} />}
        {route.page === 'audit' && <AuditPage onError={onError} />}
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
