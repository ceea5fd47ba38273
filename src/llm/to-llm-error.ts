import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { LlmError } from '../protocol/bridge-error.js';

const MAX_DETAIL = 300;
// Providers echo (partly masked) keys in auth errors; the message reaches clients, so key-like tokens go.
const KEY_LIKE = /\bsk-[A-Za-z0-9_*-]{6,}/g;

/**
 * Turns anything the OpenAI SDK or the stream threw into an LlmError whose message names the
 * status and the provider's reason, with `secrets` (API keys) and key-like tokens redacted.
 */
export function toLlmError(error: unknown, secrets: readonly string[] = []): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof APIConnectionTimeoutError) return new LlmError('The LLM request timed out', error);
  if (error instanceof APIUserAbortError) return new LlmError('The LLM request was aborted', error);
  if (error instanceof APIConnectionError)
    return new LlmError('Could not connect to the LLM endpoint', error);
  if (error instanceof APIError) {
    const detail = providerDetail(error, secrets);
    if (error.status === undefined) return new LlmError(`The LLM stream reported an error${detail}`, error);
    return new LlmError(`The LLM endpoint answered HTTP ${error.status}${detail}`, error);
  }
  // The SDK JSON-parses each SSE event itself and lets the SyntaxError through.
  if (error instanceof SyntaxError)
    return new LlmError('The LLM endpoint sent a malformed stream chunk', error);
  return new LlmError('The LLM request failed', error);
}

function providerDetail(error: APIError, secrets: readonly string[]): string {
  const body = error.error as { message?: unknown } | undefined;
  const raw = typeof body?.message === 'string' ? body.message : '';
  if (raw === '') return '';
  let text = raw;
  for (const secret of secrets) if (secret !== '') text = text.split(secret).join('[redacted]');
  text = text.replace(KEY_LIKE, '[redacted]');
  return `: ${text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text}`;
}
