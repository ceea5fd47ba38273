import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpToolHandler, type ToolInvocation } from '../../../src/agents/http-tool-handler.js';
import {
  createToolWebhookServer,
  type ToolWebhookHandler,
  type ToolWebhookServer,
} from '../../fakes/tool-webhook-server.js';

let webhook: ToolWebhookServer | undefined;
afterEach(async () => {
  await webhook?.close();
  webhook = undefined;
});

async function serve(handler: ToolWebhookHandler): Promise<ToolWebhookServer> {
  webhook = await createToolWebhookServer({ lookup_order: handler });
  return webhook;
}

function invocation(overrides: Partial<ToolInvocation> = {}): ToolInvocation {
  return {
    toolCallId: 'call_1',
    threadId: 'thread-1',
    runId: 'run-1',
    name: 'lookup_order',
    arguments: '{"id":"42"}',
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('http tool handler', () => {
  it('POSTs the call as JSON and returns the answer as JSON text', async () => {
    const server = await serve(() => ({ status: 200, body: { id: '42', status: 'shipped' } }));
    const handler = createHttpToolHandler({ type: 'http', url: server.urlFor('lookup_order') });
    expect(await handler(invocation())).toBe('{"id":"42","status":"shipped"}');
    expect(server.calls).toEqual([
      expect.objectContaining({
        name: 'lookup_order',
        body: {
          toolCallId: 'call_1',
          threadId: 'thread-1',
          runId: 'run-1',
          name: 'lookup_order',
          args: { id: '42' },
        },
      }),
    ]);
    expect(server.calls[0]?.headers['content-type']).toBe('application/json');
  });

  it('sends empty arguments as an empty object', async () => {
    const server = await serve(() => ({ status: 200, body: 'ok' }));
    const handler = createHttpToolHandler({ type: 'http', url: server.urlFor('lookup_order') });
    expect(await handler(invocation({ arguments: '' }))).toBe('"ok"');
    expect(server.calls[0]?.body).toMatchObject({ args: {} });
  });

  it('turns a non-2xx answer into an error result naming tool and status', async () => {
    const server = await serve(() => ({ status: 500, body: { message: 'database down' } }));
    const handler = createHttpToolHandler({ type: 'http', url: server.urlFor('lookup_order') });
    expect(JSON.parse(await handler(invocation()))).toEqual({
      error: 'Tool lookup_order failed: HTTP 500 {"message":"database down"}',
    });
  });

  it('turns an answer that is not JSON into an error result', async () => {
    const server = await serve(() => ({ status: 200, raw: '<html>oops</html>' }));
    const handler = createHttpToolHandler({ type: 'http', url: server.urlFor('lookup_order') });
    expect(JSON.parse(await handler(invocation()))).toEqual({
      error: 'Tool lookup_order failed: its answer is not JSON',
    });
  });

  it('turns arguments that are not JSON into an error result without calling the webhook', async () => {
    const server = await serve(() => ({ status: 200, body: {} }));
    const handler = createHttpToolHandler({ type: 'http', url: server.urlFor('lookup_order') });
    expect(JSON.parse(await handler(invocation({ arguments: '{"id": 4' })))).toEqual({
      error: 'Tool lookup_order was called with arguments that are not valid JSON',
    });
    expect(server.calls).toEqual([]);
  });

  it('gives up on a webhook that never answers after timeoutMs', async () => {
    const server = await serve(() => ({ hang: true }));
    const handler = createHttpToolHandler({
      type: 'http',
      url: server.urlFor('lookup_order'),
      timeoutMs: 200,
    });
    expect(JSON.parse(await handler(invocation()))).toEqual({
      error: 'Tool lookup_order failed: no answer within 200 ms',
    });
    expect(server.calls).toHaveLength(1);
  });

  it('stops waiting when the run is cancelled', async () => {
    const controller = new AbortController();
    const server = await serve(() => {
      controller.abort();
      return { hang: true };
    });
    const handler = createHttpToolHandler({ type: 'http', url: server.urlFor('lookup_order') });
    expect(JSON.parse(await handler(invocation({ signal: controller.signal })))).toEqual({
      error: 'Tool lookup_order was cancelled with the run',
    });
  });

  it('reports a refused connection as an error result', async () => {
    const port = await closedPort();
    const handler = createHttpToolHandler({
      type: 'http',
      url: `http://127.0.0.1:${port}/tools/lookup_order`,
    });
    expect(JSON.parse(await handler(invocation()))).toEqual({
      error: 'Tool lookup_order failed: could not reach the tool endpoint (ECONNREFUSED)',
    });
  });
});
