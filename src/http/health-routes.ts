import { Router } from 'express';

/** Liveness (`/health`) and readiness (`/ready`: database and, in multi-instance mode, Redis). */
export function healthRoutes(deps: { ready(): Promise<Record<string, string>> }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const checks = await deps.ready();
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', ...checks });
  });
  return router;
}
