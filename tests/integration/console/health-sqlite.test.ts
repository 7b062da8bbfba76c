// GET /healthz on the embedded SQLite: 200 while the database answers; 503 when it cannot be
// used (here: its connection closed under the server, as a failed disk or a close at
// shutdown leaves it). A real store, not the memory twin.
import { describe, expect, it } from 'vitest';
import { makeRealConsole } from '../../helpers/real-console-app.js';

describe('healthz on SQLite', () => {
  it('is 200 while the database answers and 503 when it does not', async () => {
    const h = await makeRealConsole();
    try {
      const ok = await h.app.inject({ method: 'GET', url: '/healthz' });
      expect(ok.json()).toEqual({ ok: true, db: 'ok', engine: 'sqlite' });
      await h.real.close();
      const down = await h.app.inject({ method: 'GET', url: '/healthz' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ ok: false, db: 'unavailable', engine: 'sqlite' });
      expect(h.logs()).toMatch(/healthz: database unavailable/);
    } finally {
      await h.close();
    }
  });
});
