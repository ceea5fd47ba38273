import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

/** A tool call the scripted model makes; `arguments` is streamed in `chunks` pieces (default 1). */
export interface ScriptedToolCall {
  id: string;
  name: string;
  arguments: string;
  chunks?: number;
}

/** One scripted answer, consumed by the next chat-completions request. */
export interface ScriptedReply {
  /** Streamed as one content delta each. */
  text?: string[];
  toolCalls?: ScriptedToolCall[];
  /** Sent as the final usage chunk when the request asks for it (`stream_options.include_usage`). */
  usage?: CompletionUsage;
  model?: string;
  /** Answer with this HTTP status and an OpenAI-style error body instead. */
  status?: number;
  /** The `error.message` of that body; default `scripted error <status>`. */
  errorMessage?: string;
  /** Stream the scripted content (if any), then send nothing more and keep the connection open. */
  hang?: true;
  /** Stream the scripted text (if any), then an SSE event that is not JSON. */
  malformed?: true;
  /**
   * Called once the scripted content has been streamed; the stream ends (finish reason, usage,
   * `[DONE]`) when the promise it returns settles. Lets a test act while a call is in progress.
   */
  hold?: () => Promise<unknown>;
}

/** A running OpenAI-compatible chat-completions server answering from a queue of scripted replies. */
export interface ScriptedLlmServer {
  /** Base URL for the SDK, ending in `/v1`. */
  url: string;
  /** Every request body, in order. */
  calls: ChatCompletionCreateParams[];
  /** Every request's headers, in order (e.g. to check the API key sent). */
  headers: IncomingHttpHeaders[];
  push(...replies: ScriptedReply[]): void;
  /** Resolves once a client has dropped a streaming response before it ended (now or later). */
  whenRequestAborted(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a scripted LLM server on 127.0.0.1, port 0. */
export async function createScriptedLlmServer(): Promise<ScriptedLlmServer> {
  const queue: ScriptedReply[] = [];
  const calls: ChatCompletionCreateParams[] = [];
  const headers: IncomingHttpHeaders[] = [];
  let aborted = 0;
  const abortWaiters: Array<() => void> = [];
  const onAborted = (): void => {
    aborted += 1;
    abortWaiters.splice(0).forEach((resolve) => resolve());
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) =>
      sendError(res, 500, `scripted LLM server crashed: ${String(error)}`),
    );
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return sendError(res, 404, `No route ${req.method} ${req.url}`);
    const body = JSON.parse(await readBody(req)) as ChatCompletionCreateParams;
    calls.push(body);
    headers.push(req.headers);
    const reply = queue.shift();
    // An empty queue answers at once, so a test that scripted too few replies fails instead of hanging.
    if (!reply)
      return sendError(res, 500, `scripted LLM server: no reply queued for request #${calls.length}`);
    if (reply.status !== undefined)
      return sendError(res, reply.status, reply.errorMessage ?? `scripted error ${reply.status}`);
    res.on('close', () => {
      if (!res.writableEnded) onAborted();
    });
    if (body.stream) await streamReply(res, reply, body.stream_options?.include_usage === true);
    else sendCompletion(res, reply);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    headers,
    push: (...replies) => void queue.push(...replies),
    whenRequestAborted: () =>
      aborted > 0 ? Promise.resolve() : new Promise((resolve) => abortWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging replies keep their sockets open; close them or close() never returns.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendError(res: ServerResponse, status: number, message: string): void {
  // retry-after-ms keeps the SDK's retry of a 5xx from waiting its default back-off (the header is OpenAI's own).
  res.writeHead(status, { 'content-type': 'application/json', 'retry-after-ms': '1' });
  res.end(JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } }));
}

const BASE = { id: 'chatcmpl-scripted', created: 1_700_000_000 };

async function streamReply(res: ServerResponse, reply: ScriptedReply, includeUsage: boolean): Promise<void> {
  const model = reply.model ?? 'scripted-model';
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const send = (choices: unknown[], extra: Record<string, unknown> = {}): void => {
    res.write(
      `data: ${JSON.stringify({ ...BASE, object: 'chat.completion.chunk', model, choices, ...extra })}\n\n`,
    );
  };
  const delta = (d: Record<string, unknown>): void => send([{ index: 0, delta: d, finish_reason: null }]);
  if (reply.hang && !reply.text && !reply.toolCalls) return;
  delta({ role: 'assistant', content: '' });
  for (const text of reply.text ?? []) delta({ content: text });
  if (reply.malformed) {
    res.end('data: {"choices": [ this is not JSON\n\n');
    return;
  }
  (reply.toolCalls ?? []).forEach((call, index) => {
    delta({
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
    });
    for (const piece of split(call.arguments, call.chunks ?? 1)) {
      delta({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  });
  if (reply.hang) return;
  await reply.hold?.();
  send([{ index: 0, delta: {}, finish_reason: reply.toolCalls?.length ? 'tool_calls' : 'stop' }]);
  if (includeUsage && reply.usage) send([], { usage: reply.usage });
  res.end('data: [DONE]\n\n');
}

function sendCompletion(res: ServerResponse, reply: ScriptedReply): void {
  const toolCalls = (reply.toolCalls ?? []).map((c) => ({
    id: c.id,
    type: 'function',
    function: { name: c.name, arguments: c.arguments },
  }));
  const message = {
    role: 'assistant',
    content: (reply.text ?? []).join('') || null,
    ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
  };
  const finish_reason = toolCalls.length ? 'tool_calls' : 'stop';
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      ...BASE,
      object: 'chat.completion',
      model: reply.model ?? 'scripted-model',
      choices: [{ index: 0, message, finish_reason }],
      ...(reply.usage ? { usage: reply.usage } : {}),
    }),
  );
}

function split(text: string, pieces: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const result: string[] = [];
  for (let i = 0; i < text.length; i += size) result.push(text.slice(i, i + size));
  return result;
}
