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
  const text = await r.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!r.ok) {
    const w = (json ?? {}) as { error?: unknown; message?: unknown };
    const failure = new ApiFailure(
      r.status,
      typeof w.error === 'string' ? w.error : 'HTTP',
      typeof w.message === 'string' ? w.message : t('error.http', { status: r.status }),
    );
    if (r.status === 401 && path !== '/api/v1/login') onExpired();
    throw failure;
  }
  return json as T;
}

export interface Me {
  name: string;
  role: 'admin' | 'analyst' | 'auditor';
}

export async function login(name: string, password: string): Promise<Me> {
  const r = await api<Me & { csrfToken: string }>('POST', '/api/v1/login', { name, password });
  sessionStorage.setItem(CSRF, r.csrfToken);
  return { name: r.name, role: r.role };
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/api/v1/logout');
  } finally {
    sessionStorage.removeItem(CSRF);
  }
}

/** Ends every session of this staff account, on every browser (POST /logout-all). */
export async function logoutEverywhere(): Promise<void> {
  try {
    await api('POST', '/api/v1/logout-all');
  } finally {
    sessionStorage.removeItem(CSRF);
  }
}

/** Who is logged in (null: nobody, or the session ended). */
export async function me(): Promise<Me | null> {
  if (!sessionStorage.getItem(CSRF)) return null;
  try {
    return await api<Me>('GET', '/api/v1/me');
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) return null;
    throw e;
  }
}
