import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type Response } from 'express';

/** Where `npm install` (scripts/build-console.ts) puts the built console. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist/', import.meta.url));

// The page talks to this origin only (fetch, SSE over fetch, WebSocket) and loads nothing else.
const PAGE_HEADERS = {
  'Cache-Control': 'no-cache',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};
const ASSET_NAME = /^[\w-]+\.(js|css|map)$/;

/**
 * The operator console: `GET /console` (the page) and `GET /console/assets/:file` (its bundle).
 * Mounted before the API-key check: the page and its assets are public; every API call the page
 * makes carries the operator's key. Asset names carry a content hash, so they are cached forever
 * while the page is revalidated on every load.
 */
export function consoleRoutes(options: { dir?: string } = {}): Router {
  const dir = options.dir ?? DEFAULT_CONSOLE_DIR;
  const router = Router();

  router.get('/console', (_req, res) => {
    const page = path.join(dir, 'index.html');
    if (!existsSync(page)) {
      notBuilt(res);
      return;
    }
    res.sendFile(page, { headers: PAGE_HEADERS, cacheControl: false });
  });

  router.get('/console/assets/:file', (req, res) => {
    const file = req.params.file;
    const asset = path.join(dir, 'assets', file);
    if (!ASSET_NAME.test(file) || !existsSync(asset)) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: `No console asset "${file}"` } });
      return;
    }
    res.sendFile(asset, {
      immutable: true,
      maxAge: '365d',
      headers: { 'X-Content-Type-Options': 'nosniff' },
    });
  });

  return router;
}

function notBuilt(res: Response): void {
  res
    .status(503)
    .type('text/plain')
    .set('Cache-Control', 'no-store')
    .send('The console is not built: run `npm run console:build` (npm install does it).\n');
}
