import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the webhook received. */
export interface ToolWebhookCall {
  /** The tool name from the path `/tools/:name`. */
  name: string;
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** How a webhook answers: JSON `body`, or `raw` text as is, with `status`; or never. */
export type ToolWebhookReply = { status: number; body?: unknown; raw?: string } | { hang: true };

/** Answers one call of a tool. */
export type ToolWebhookHandler = (call: ToolWebhookCall) => ToolWebhookReply | Promise<ToolWebhookReply>;

/** A running tool webhook server. */
export interface ToolWebhookServer {
  /** The handler URL of a tool: `http://127.0.0.1:<port>/tools/<name>`. */
  urlFor(name: string): string;
  calls: ToolWebhookCall[];
  close(): Promise<void>;
}

/** Starts a tool webhook server on 127.0.0.1, port 0, answering `POST /tools/:name` with the named handler. */
export async function createToolWebhookServer(
  handlers: Record<string, ToolWebhookHandler>,
): Promise<ToolWebhookServer> {
  const calls: ToolWebhookCall[] = [];
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) =>
      reply(res, { status: 500, body: { error: String(error) } }),
    );
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/tools\/([^/?]+)$/.exec(req.url ?? '');
    const name = match?.[1] ? decodeURIComponent(match[1]) : '';
    const handler = handlers[name];
    if (req.method !== 'POST' || !handler)
      return reply(res, { status: 404, body: { error: `no tool at ${req.url}` } });
    const call = { name, body: JSON.parse(await readBody(req)) as unknown, headers: req.headers };
    calls.push(call);
    reply(res, await handler(call));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlFor: (name) => `http://127.0.0.1:${port}/tools/${encodeURIComponent(name)}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging handlers keep their sockets open; close them or close() never returns.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, answer: ToolWebhookReply): void {
  if ('hang' in answer) return;
  const text = answer.raw ?? JSON.stringify(answer.body ?? null);
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}
