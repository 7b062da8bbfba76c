// The console's API from the browser (same origin; src/core/console/api.ts lists the routes).
// A session is the HttpOnly cookie the login sets plus the csrfToken it answers, sent as
// x-csrf-token on every change (kept in sessionStorage: this tab only, gone with it). Every
// failure becomes an ApiFailure carrying the console's own message, in the person's language
// (Accept-Language); a 401 also tells the app, which shows the login again without losing
// what is on the page.
import { lang, t } from './i18n.js';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const CSRF = 'baomi.csrf';
/** Set at login, cleared at logout and when the session is found ended: whether asking
 *  /api/v1/me is worth a request (a browser that never logged in is shown the login at once). */
const HINT = 'baomi.session';
let onExpired: () => void = () => {};

export function whenExpired(f: () => void): void {
  onExpired = f;
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': lang() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = sessionStorage.getItem(CSRF);
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let r: Response;
  try {
    r = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiFailure(0, 'NETWORK', t('error.network'));
  }
  if (!r.ok) throw await failureOf(r, path);
  const text = await r.text();
  try {
    return (text ? JSON.parse(text) : null) as T;
  } catch {
    // Not the console's answer (a proxy's page): said, never taken as "nothing".
    throw new ApiFailure(r.status, 'HTTP', t('error.http', { status: r.status }));
  }
}

/** The console's refusal as an ApiFailure (its message, in the person's language); a 401 or
 *  a stale CSRF token also brings the login over the page. */
export async function failureOf(r: Response, path: string): Promise<ApiFailure> {
  let w: { error?: unknown; message?: unknown } = {};
  try {
    w = ((await r.json()) ?? {}) as typeof w;
  } catch {
    // not JSON (a proxy's page): the status says it
  }
  const failure = new ApiFailure(
    r.status,
    typeof w.error === 'string' ? w.error : 'HTTP',
    typeof w.message === 'string' ? w.message : t('error.http', { status: r.status }),
  );
  // The session ended (401), or this page's CSRF token is not the session's any more (a
  // login in another tab made a new session): log in again over the page.
  const ended = r.status === 401 || failure.code === 'CONSOLE_CSRF';
  if (ended && path !== '/api/v1/login' && path !== '/api/v1/me') onExpired();
  return failure;
}

export interface Me {
  name: string;
  role: 'admin' | 'analyst' | 'auditor';
}

export async function login(name: string, password: string): Promise<Me> {
  const r = await api<Me & { csrfToken: string }>('POST', '/api/v1/login', { name, password });
  sessionStorage.setItem(CSRF, r.csrfToken);
  localStorage.setItem(HINT, '1');
  return { name: r.name, role: r.role };
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/api/v1/logout');
  } finally {
    sessionStorage.removeItem(CSRF);
    localStorage.removeItem(HINT);
  }
}

/** Ends every session of this staff account, on every browser (POST /logout-all). */
export async function logoutEverywhere(): Promise<void> {
  try {
    await api('POST', '/api/v1/logout-all');
  } finally {
    sessionStorage.removeItem(CSRF);
    localStorage.removeItem(HINT);
  }
}

/** Who is logged in (null: nobody, or the session ended). A page opened after the login
 *  (another tab, a reload) takes the session's CSRF token from the answer. */
export async function me(): Promise<Me | null> {
  if (!localStorage.getItem(HINT)) return null;
  try {
    const r = await api<Me & { csrfToken?: string }>('GET', '/api/v1/me');
    if (r.csrfToken) sessionStorage.setItem(CSRF, r.csrfToken);
    return { name: r.name, role: r.role };
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) {
      localStorage.removeItem(HINT);
      return null;
    }
    throw e;
  }
}
