import { Router, type Request, type Response } from 'express';
import { EventType } from '@ag-ui/core';
import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import type { Logger } from 'pino';
import type { AgentRegistry } from '../agents/agent-registry.js';
import { NotFoundError, toBridgeError } from '../protocol/bridge-error.js';
import { pauseThread } from '../runs/pause-thread.js';
import type { RunService } from '../runs/run-service.js';
import type { BridgeStore } from '../store/bridge-store.js';
import { openEventStream } from './event-stream.js';
import { tenantOf } from './request-context.js';
import { validate } from './validate.js';

/** What the AG-UI routes need. */
export interface AgentRoutesDeps {
  agents: AgentRegistry;
  runs: RunService;
  /** Threads, for the tenant check of pause. */
  store: BridgeStore;
  logger: Logger;
  version: string;
  keepAliveMs: number;
}

/** The AG-UI / CopilotKit runtime surface: /info, capabilities, run, stop, pause. */
export function agentRoutes(deps: AgentRoutesDeps): Router {
  const router = Router();

  // Agents can change at any time (docs/agents.md): every lookup first refreshes the registry.
  router.get('/info', async (_req, res) => {
    await deps.agents.refresh();
    const agents = Object.fromEntries(
      deps.agents.list().map((a) => [
        a.id,
        {
          name: a.name,
          description: a.description,
          className: 'BridgeAgent',
          capabilities: a.capabilities(),
        },
      ]),
    );
    res.json({ version: deps.version, mode: 'sse', agents, audioFileTranscriptionEnabled: false });
  });

  router.get('/agent/:agentId/capabilities', async (req, res) => {
    await deps.agents.refresh();
    const agent = deps.agents.get(req.params.agentId);
    if (!agent) throw new NotFoundError('AGENT_NOT_FOUND', `No agent with id "${req.params.agentId}"`);
    res.json(agent.capabilities());
  });

  router.post('/agent/:agentId/run', async (req, res) => {
    const { agentId } = req.params;
    await deps.agents.refresh();
    if (!deps.agents.get(agentId))
      throw new NotFoundError('AGENT_NOT_FOUND', `No agent with id "${agentId}"`);
    const input = validate(RunAgentInputSchema, req.body, 'RunAgentInput');
    const handle = await deps.runs.start({ agentId, input, tenantId: tenantOf(res) });
    // Ties the request id to the run: run logs carry threadId and runId.
    (req as { log?: Logger }).log?.info(
      { threadId: input.threadId, runId: input.runId, agentId },
      'run started',
    );
    streamRun(req, res, handle, deps);
  });

  router.post('/agent/:agentId/stop/:threadId', async (req, res) => {
    await deps.agents.refresh();
    if (!deps.agents.get(req.params.agentId)) {
      throw new NotFoundError('AGENT_NOT_FOUND', `No agent with id "${req.params.agentId}"`);
    }
    res.json({ stopped: await deps.runs.stop(req.params.threadId) });
  });

  router.post('/agent/:agentId/pause/:threadId', async (req, res) => {
    await deps.agents.refresh();
    if (!deps.agents.get(req.params.agentId)) {
      throw new NotFoundError('AGENT_NOT_FOUND', `No agent with id "${req.params.agentId}"`);
    }
    const request = { threadId: req.params.threadId, tenantId: tenantOf(res) };
    res.status(202).json(await pauseThread(deps, request));
  });

  return router;
}

/** Streams a run to the client; a client that leaves cancels the run, which still logs its end. */
function streamRun(
  req: Request,
  res: Response,
  handle: Awaited<ReturnType<RunService['start']>>,
  deps: AgentRoutesDeps,
): void {
  const stream = openEventStream(req, res, { keepAliveMs: deps.keepAliveMs, headersWithFirstFrame: true });
  let ended = false;
  res.on('close', () => {
    if (!ended) handle.cancel();
  });
  handle.events$.subscribe({
    next: ({ seq, event, json }) => stream.send(event, json, seq),
    error: (error: unknown) => {
      // The log itself failed: tell the client rather than leave it hanging (this frame is not logged).
      ended = true;
      deps.logger.error({ err: error, threadId: handle.threadId, runId: handle.runId }, 'run stream failed');
      const failure = toBridgeError(error);
      const event = { type: EventType.RUN_ERROR, code: failure.code, message: failure.message };
      stream.send(event, JSON.stringify(event));
      stream.end();
    },
    complete: () => {
      ended = true;
      stream.end();
    },
  });
}
