import { describe, expect, it } from 'vitest';
import { readSse, type SseFrame } from '../../../console/src/sse-reader.js';

/** A body delivered in exactly these chunks (to cross every boundary a network can). */
function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function frames(chunks: string[]): Promise<SseFrame[]> {
  const out: SseFrame[] = [];
  for await (const frame of readSse(body(chunks))) out.push(frame);
  return out;
}

describe('readSse (the console reads SSE through fetch)', () => {
  it('reads id and data, skips comments, joins multi-line data', async () => {
    expect(
      await frames([': keep-alive\n\n', 'id: 1\ndata: {"a":1}\n\n', 'data: line one\ndata: line two\n\n']),
    ).toEqual([
      { id: '1', data: '{"a":1}' },
      { id: null, data: 'line one\nline two' },
    ]);
  });

  it('handles frames and CRLF line ends split anywhere across chunks, and multi-byte characters', async () => {
    const text = 'id: 7\r\ndata: {"delta":"héllo ✓"}\r\n\r\nid: 8\rdata: x\r\r';
    const bytes = new TextEncoder().encode(text);
    // One byte per chunk: every boundary, including inside a CRLF and inside a UTF-8 sequence.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const out: SseFrame[] = [];
    for await (const frame of readSse(stream)) out.push(frame);
    expect(out).toEqual([
      { id: '7', data: '{"delta":"héllo ✓"}' },
      { id: '8', data: 'x' },
    ]);
  });

  it('drops an unterminated last frame (the stream ended mid-event)', async () => {
    expect(await frames(['id: 1\ndata: a\n\n', 'id: 2\ndata: b'])).toEqual([{ id: '1', data: 'a' }]);
  });
});
