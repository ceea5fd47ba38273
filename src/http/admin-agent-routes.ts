import { Router } from 'express';
import type { AgentAdmin } from '../agents/agent-admin.js';
import { ForbiddenError } from '../protocol/bridge-error.js';
import { tenantOf } from './request-context.js';

/** What the agent admin routes need. */
export interface AdminAgentRoutesDeps {
  agentAdmin: AgentAdmin;
  /** Tenants allowed under /admin (BRIDGE_ADMIN_TENANTS); unset: every authenticated caller. */
  adminTenants?: readonly string[];
}

/** The agent admin API (docs/agents.md): stored definitions, overrides and their versions. */
export function adminAgentRoutes(deps: AdminAgentRoutesDeps): Router {
  const router = Router();
  const admin = deps.agentAdmin;

  // Agents are deployment-wide, not per tenant: the allow-list is the only ownership check.
  router.use('/admin', (_req, res, next) => {
    const tenant = tenantOf(res);
    if (deps.adminTenants && !deps.adminTenants.includes(tenant))
      throw new ForbiddenError(`Tenant "${tenant}" may not use the admin API (BRIDGE_ADMIN_TENANTS)`);
    next();
  });

  router.get('/admin/agents', async (_req, res) => {
    res.json({ agents: await admin.list() });
  });

  router.post('/admin/agents', async (req, res) => {
    res.status(201).json(await admin.create(req.body, tenantOf(res)));
  });

  router.get('/admin/agents/:agentId', async (req, res) => {
    res.json(await admin.describe(req.params.agentId));
  });

  router.put('/admin/agents/:agentId', async (req, res) => {
    res.json(await admin.replace(req.params.agentId, req.body, tenantOf(res)));
  });

  router.delete('/admin/agents/:agentId', async (req, res) => {
    res.json(await admin.remove(req.params.agentId, tenantOf(res)));
  });

  router.get('/admin/agents/:agentId/versions', async (req, res) => {
    const { agentId } = req.params;
    res.json({ agentId, versions: await admin.versions(agentId) });
  });

  return router;
}
