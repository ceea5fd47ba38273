import { createServer } from 'node:http';
import express from 'express';
import { EventEncoder } from '@ag-ui/encoder';
import type { RunAgentInput } from '@ag-ui/core';
import { scriptedAguiRun } from '../shaped-events.js';
import { closeServer, listenOnLoopback, type Contestant, type ServerUnderTest } from './server-under-test.js';

/**
 * A typical hand-written AG-UI server: Express, `express.json()`, the agent's events as an
 * Observable, `EventEncoder.encodeSSE` per event written straight to the response. Nothing is
 * persisted and nothing waits for the socket to drain (the usual shape of such servers).
 */
export async function startExpressServer(): Promise<ServerUnderTest> {
  const app = express();
  app.use(express.json({ limit: '10mb' }));
  app.post('/agent/:agentId/run', (req, res) => {
    const input = req.body as RunAgentInput;
    const encoder = new EventEncoder({ accept: req.headers.accept });
    res.writeHead(200, {
      'Content-Type': encoder.getContentType(),
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    const events$ = scriptedAguiRun(input);
    const subscription = events$.subscribe({
      next: (event) => res.write(encoder.encodeSSE(event)),
      complete: () => res.end(),
    });
    res.on('close', () => subscription.unsubscribe());
  });
  const server = createServer(app);
  const url = await listenOnLoopback(server);
  return { url, close: () => closeServer(server) };
}

/** The hand-written server as a contestant. */
export const expressContestant: Contestant = {
  key: 'express',
  label: 'Express + @ag-ui/encoder',
  start: startExpressServer,
};
