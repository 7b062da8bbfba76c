// The console's web UI (issue 13): the files `npm run build` writes to dist/console-web
// (vite.config.mjs), served from the same origin as the API so the session cookie and the
// CSRF token work unchanged. Only the files that exist when the console starts are routes
// (@fastify/static with wildcard off: no path from a request ever reaches the file system);
// the hashed assets are cached for a year, index.html is revalidated. Every answer of the
// console carries the CSP below (app.ts): scripts and styles from this origin only, nothing
// inline, nothing framed, so a string an agent sent can never run as code in a staff browser.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where the build puts the UI: <package>/dist/console-web, from src/ or dist/ alike. */
export const DEFAULT_WEB_DIR = fileURLToPath(
  new URL('../../../dist/console-web/', import.meta.url),
);

export function webRoutes(app: FastifyInstance, dir: string): void {
  if (!existsSync(join(dir, 'index.html'))) {
    // A checkout where the UI was not built: say so instead of a 404 that looks like a bug.
    app.get('/', async (_req, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(
          'The console web UI is not built here: run `npm run build` and start the console again.\n' +
            '控制台网页界面尚未构建：请运行 `npm run build` 后重新启动控制台。\n',
        ),
    );
    return;
  }
  app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    serveDotFiles: false,
    cacheControl: false,
    setHeaders(res, path) {
      res.header(
        'cache-control',
        /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}
