import { Router, type Request, type Response } from 'express';
import { EventType } from '@ag-ui/core';
import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import type { Logger } from 'pino';
import type { AgentRegistry } from '../agents/agent-registry.js';
import { NotFoundError, toBridgeError } from '../protocol/bridge-error.js';
import type { RunService } from '../runs/run-service.js';
import { openEventStream } from './event-stream.js';
import { tenantOf } from './request-context.js';
import { validate } from './validate.js';

/** What the AG-UI routes need. */
export interface AgentRoutesDeps {
  agents: AgentRegistry;
  runs: RunService;
  logger: Logger;
  version: string;
  keepAliveMs: number;
}

/** The AG-UI / CopilotKit runtime surface: /info, capabilities, run, stop. */
export function agentRoutes(deps: AgentRoutesDeps): Router {
  const router = Router();

  router.get('/info', (_req, res) => {
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

  router.get('/agent/:agentId/capabilities', (req, res) => {
    const agent = deps.agents.get(req.params.agentId);
    if (!agent) throw new NotFoundError('AGENT_NOT_FOUND', `No agent with id "${req.params.agentId}"`);
    res.json(agent.capabilities());
  });

  router.post('/agent/:agentId/run', async (req, res) => {
    const { agentId } = req.params;
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
    if (!deps.agents.get(req.params.agentId)) {
      throw new NotFoundError('AGENT_NOT_FOUND', `No agent with id "${req.params.agentId}"`);
    }
    res.json({ stopped: await deps.runs.stop(req.params.threadId) });
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
  const stream = openEventStream(req, res, { keepAliveMs: deps.keepAliveMs });
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
