/** One server-sent event: its `id:` (if any) and its `data:` lines joined. */
export interface SseFrame {
  id: string | null;
  data: string;
}

/**
 * Parses a `text/event-stream` body (the SSE format of the HTML standard: LF, CRLF or CR line
 * ends; `:` comments; multi-line `data:`). EventSource cannot send `Authorization`, so the console
 * reads SSE from fetch().
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | null = null;
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A trailing CR may be the first half of a CRLF: keep it for the next chunk (if any).
      const held = !done && buffer.endsWith('\r') ? 1 : 0;
      const lines = buffer.slice(0, buffer.length - held).split(/\r\n|\r|\n/);
      // The last piece is half a line (or empty).
      buffer = (lines.pop() ?? '') + (held ? '\r' : '');
      for (const line of lines) {
        if (line === '') {
          if (data.length > 0) yield { id, data: data.join('\n') };
          id = null;
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
      }
      // What is left is an event the stream ended in the middle of: dropped, as the standard says.
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}
