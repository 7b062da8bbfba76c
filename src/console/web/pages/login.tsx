// Login with a staff account (issue 13 §1). A session that ended shows this form again with a
// message, over the page that was open: nothing typed there is lost.
import { useState } from 'preact/hooks';
import { ApiFailure, login, type Me } from '../api.js';
import { t } from '../i18n.js';

export function LoginPage(props: { expired: boolean; onLogin: (m: Me) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section class="login" aria-labelledby="login-h">
      <h1 id="login-h">{t('login.title')}</h1>
      {props.expired && (
        <p class="notice" role="status">
          {t('login.expired')}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            props.onLogin(await login(name, password));
          } catch (err) {
            setError(err instanceof ApiFailure ? err.message : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <label>
          <span>{t('login.name')}</span>
          <input
            name="name"
            autocomplete="username"
            required
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          <span>{t('login.password')}</span>
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </section>
  );
}
