import { Router } from 'express';
import type { BridgeStore } from '../store/bridge-store.js';

/** Liveness and readiness. */
export function healthRoutes(deps: { store: BridgeStore }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    try {
      await deps.store.ping();
      res.json({ status: 'ready', database: 'ok' });
    } catch {
      res.status(503).json({ status: 'not_ready', database: 'unreachable' });
    }
  });
  return router;
}
