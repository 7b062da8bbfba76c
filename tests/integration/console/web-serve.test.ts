// The console serves its built web UI (src/console/server/web.ts) from the same origin as the
// API: the page and its hashed assets, the strict CSP on every answer, no route for anything
// that was not a file at start (no path from a request reaches the disk), and a clear 503 where
// the UI was not built.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../src/console/server/web.js';
import { makeConsole } from '../../helpers/console-app.js';

describe('the web UI is served by the console', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baomi-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/assets/app-abc.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'app-abc.js'), 'console.log(1)');
  writeFileSync(join(dir, '.env'), 'SECRET=1');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the page (revalidated) and its hashed assets (immutable), each with the CSP; the API keeps no-store', async () => {
    const h = makeConsole({ webDir: dir });
    const page = await h.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('/assets/app-abc.js');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    const js = await h.app.inject({ method: 'GET', url: '/assets/app-abc.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const api = await h.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(api.statusCode).toBe(401);
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await h.app.close();
  });

  it('nothing else: dot files, paths out of the folder and files added after the start are no route', async () => {
    const h = makeConsole({ webDir: dir });
    await h.app.ready();
    writeFileSync(join(dir, 'assets', 'late.js'), 'x');
    for (const url of [
      '/.env',
      '/assets/../.env',
      '/assets/..%2f.env',
      '/%2e%2e/package.json',
      '/assets/late.js',
      '/index.html/',
    ]) {
      const r = await h.app.inject({ method: 'GET', url });
      expect([url, r.statusCode]).toEqual([url, 404]);
      expect(r.body).not.toContain('SECRET');
    }
    await h.app.close();
  });

  it('a checkout where the UI was not built answers 503 saying how to build it, in both languages', async () => {
    const h = makeConsole({ webDir: join(dir, 'missing') });
    const r = await h.app.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('npm run build');
    expect(r.body).toContain('尚未构建');
    await h.app.close();
  });
});
