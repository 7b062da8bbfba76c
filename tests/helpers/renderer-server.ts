// The tray's pages as built (dist/renderer, `npm run build`) over HTTP on 127.0.0.1, for
// Chromium tests: the tray serves them over baomi://app/ by bare file name only
// (src/main/index.ts), and so does this. Module scripts need http(s): Chromium refuses them
// from file://. Anything but a bare name with a known extension, or a missing file, is a 404.
// Each answer carries the header CSP the tray adds (PAGE_CSP), so the pages are tested under both.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PAGE_CSP } from '../../src/main/ipc-guard.js';

export const RENDERER_DIST = join(process.cwd(), 'dist', 'renderer');

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
};
const NAME = /^[\w-]+\.(html|js|css|png|svg)$/;

export interface RendererServer {
  /** `http://127.0.0.1:<port>`, no trailing slash: open `${base}/viewer.html`. */
  base: string;
  close(): Promise<void>;
}

export async function serveRenderer(dir = RENDERER_DIST): Promise<RendererServer> {
  const server = createServer(async (req, res) => {
    const name = (req.url ?? '/').split(/[?#]/)[0]!.replace(/^\/+/, '');
    const ext = NAME.exec(name)?.[1];
    if (!ext) return void res.writeHead(404).end();
    try {
      const body = await readFile(join(dir, name));
      res
        .writeHead(200, { 'content-type': TYPES[ext]!, 'content-security-policy': PAGE_CSP })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
