import { Router } from 'express';

/** Liveness: `/health`, always open (no key needed). */
export function healthRoutes(_deps: unknown = {}): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}

/** Readiness: `/ready` checks the database and, in multi-instance mode, Redis. */
export function readyRoute(deps: { ready(): Promise<Record<string, string>> }): Router {
  const router = Router();
  router.get('/ready', async (_req, res) => {
    const checks = await deps.ready();
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', ...checks });
  });
  return router;
}
