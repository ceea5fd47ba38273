import express from 'express';
import request from 'supertest';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { describe, expect, it } from 'vitest';
import { openEventStream } from '../../../src/http/event-stream.js';

describe('event stream writes', () => {
  it('writes a long synchronous burst in parts of 256 frames, not all at the end of the tick', async () => {
    const framesPerWrite: number[] = [];
    let writtenBeforeLast = -1;
    let bufferedBeforeLast = -1;
    let corkedBeforeLast = -1;
    const app = express();
    app.post('/stream', (req, res) => {
      const write = res.write.bind(res) as (chunk: string) => boolean;
      res.write = ((chunk: string) => {
        framesPerWrite.push(chunk.split('\n\n').length - 1);
        return write(chunk);
      }) as typeof res.write;
      const stream = openEventStream(req, res, { keepAliveMs: 60_000 });
      for (let i = 1; i <= 600; i++) {
        if (i === 600) {
          writtenBeforeLast = framesPerWrite.reduce((a, b) => a + b, 0);
          corkedBeforeLast = res.socket!.writableCorked;
          // Bytes still held by the socket: Node corks a response until the next tick, so without
          // an uncork the two writes would wait there for the end of the burst.
          bufferedBeforeLast = res.socket!.writableLength;
        }
        const event = { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm', delta: `${i}` } as BaseEvent;
        stream.send(event, JSON.stringify(event), i);
      }
      setImmediate(() => stream.end());
    });
    const response = await request(app)
      .post('/stream')
      .buffer(true)
      .parse((res, done) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => done(null, body));
      });
    expect((response.body as string).split('\n\n').length - 1).toBe(600);
    // Two full writes went out while the burst was still being sent; the rest at the end of the tick.
    expect(writtenBeforeLast).toBe(512);
    expect(framesPerWrite).toEqual([256, 256, 88]);
    // ... and left the process: the socket was not corked, none of their bytes waited in its buffer.
    expect(corkedBeforeLast).toBe(0);
    expect(bufferedBeforeLast).toBe(0);
  });

  it('sends the headers at once by default, and with the first frame when asked', async () => {
    const sent: Record<string, boolean[]> = {};
    const app = express();
    app.post('/stream/:mode', (req, res) => {
      const mode = req.params.mode;
      const stream = openEventStream(req, res, {
        keepAliveMs: 60_000,
        ...(mode === 'run' ? { headersWithFirstFrame: true } : {}),
      });
      const seen = (sent[mode] = [res.headersSent]);
      setImmediate(() => {
        seen.push(res.headersSent);
        const event = { type: EventType.RUN_STARTED, threadId: 't', runId: 'r' } as BaseEvent;
        stream.send(event, JSON.stringify(event), 1);
        process.nextTick(() => {
          seen.push(res.headersSent);
          stream.end();
        });
      });
    });
    for (const mode of ['subscriber', 'run']) {
      const response = await request(app).post(`/stream/${mode}`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/event-stream');
      expect(response.text).toBe('id: 1\ndata: {"type":"RUN_STARTED","threadId":"t","runId":"r"}\n\n');
    }
    // A subscriber may wait long for its first event: its headers leave at once. A run's follow
    // its RUN_STARTED within a commit, and leave with it (one write fewer per run).
    expect(sent.subscriber).toEqual([true, true, true]);
    expect(sent.run).toEqual([false, false, true]);
  });

  it('sends the last frames, the headers of a run and the response end in one write', async () => {
    let socketWrites = 0;
    const app = express();
    app.post('/stream', (req, res) => {
      // Each call is one write of the socket to the kernel (`writev` for corked chunks).
      const socket = res.socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
      for (const method of ['_write', '_writev'] as const) {
        const original = socket[method].bind(socket);
        socket[method] = (...args: unknown[]) => {
          socketWrites++;
          original(...args);
        };
      }
      const stream = openEventStream(req, res, { keepAliveMs: 60_000, headersWithFirstFrame: true });
      for (let i = 1; i <= 3; i++) {
        const event = { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm', delta: `${i}` } as BaseEvent;
        stream.send(event, JSON.stringify(event), i);
      }
      stream.end();
    });
    const response = await request(app).post('/stream');
    expect(response.status).toBe(200);
    expect(response.text.split('\n\n').length - 1).toBe(3);
    expect(socketWrites).toBe(1);
  });

  it('writes a comment after the frames sent before it in the same tick', async () => {
    const app = express();
    app.post('/stream', (req, res) => {
      const stream = openEventStream(req, res, { keepAliveMs: 60_000 });
      const event = { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm', delta: 'x' } as BaseEvent;
      stream.send(event, JSON.stringify(event), 1);
      stream.comment(': error SLOW_CONSUMER reconnect\n\n');
      stream.end();
    });
    const response = await request(app).post('/stream');
    expect(response.text).toBe(
      'id: 1\ndata: {"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"x"}\n\n' +
        ': error SLOW_CONSUMER reconnect\n\n',
    );
  });
});
