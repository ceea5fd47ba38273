import express from 'express';
import request from 'supertest';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { describe, expect, it } from 'vitest';
import { openEventStream } from '../../../src/http/event-stream.js';

describe('event stream writes', () => {
  it('writes a long synchronous burst in parts of 256 frames, not all at the end of the tick', async () => {
    const framesPerWrite: number[] = [];
    let writtenBeforeLast = -1;
    const app = express();
    app.post('/stream', (req, res) => {
      const write = res.write.bind(res) as (chunk: string) => boolean;
      res.write = ((chunk: string) => {
        framesPerWrite.push(chunk.split('\n\n').length - 1);
        return write(chunk);
      }) as typeof res.write;
      const stream = openEventStream(req, res, { keepAliveMs: 60_000 });
      for (let i = 1; i <= 600; i++) {
        if (i === 600) writtenBeforeLast = framesPerWrite.reduce((a, b) => a + b, 0);
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
  });
});
