import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ env: { BRIDGE_MAX_BODY: '2kb' } });
});
afterAll(() => bridge.close());

const validInput = {
  threadId: 't-bad',
  runId: 'r1',
  messages: [{ id: 'm1', role: 'user', content: 'hi' }],
  tools: [],
  context: [],
};

describe('POST /agent/:agentId/run refuses bad input before streaming', () => {
  it('answers 415 UNSUPPORTED_MEDIA_TYPE for malformed JSON', async () => {
    const res = await request(bridge.runtime.app)
      .post('/agent/demo/run')
      .set('content-type', 'application/json')
      .send('{"threadId": "t", oops');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('answers 415 for a body that is not JSON at all', async () => {
    const res = await request(bridge.runtime.app)
      .post('/agent/demo/run')
      .set('content-type', 'text/plain')
      .send('hello');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400 INVALID_INPUT listing every wrong field', async () => {
    const res = await request(bridge.runtime.app)
      .post('/agent/demo/run')
      .send({ threadId: 42, runId: 'r', messages: 'nope', tools: [], context: [] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['threadId', 'messages']));
  });

  it('answers 400 INVALID_INPUT for a message of an unknown role', async () => {
    const res = await request(bridge.runtime.app)
      .post('/agent/demo/run')
      .send({ ...validInput, messages: [{ id: 'm', role: 'wizard', content: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
  });

  it('answers 404 AGENT_NOT_FOUND for an unknown agent', async () => {
    const res = await request(bridge.runtime.app).post('/agent/nobody/run').send(validInput);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('AGENT_NOT_FOUND');
    const caps = await request(bridge.runtime.app).get('/agent/nobody/capabilities');
    expect(caps.status).toBe(404);
    expect(caps.body.error.code).toBe('AGENT_NOT_FOUND');
  });

  it('answers 413 PAYLOAD_TOO_LARGE over BRIDGE_MAX_BODY', async () => {
    const res = await request(bridge.runtime.app)
      .post('/agent/demo/run')
      .send({ ...validInput, messages: [{ id: 'm', role: 'user', content: 'x'.repeat(4096) }] });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('creates nothing for refused input', async () => {
    const res = await request(bridge.runtime.app).get('/threads/t-bad');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('THREAD_NOT_FOUND');
  });

  it('refuses a reused runId with INVALID_INPUT and leaves the first run intact', async () => {
    const input = { ...validInput, threadId: 't-reuse', runId: 'same' };
    const first = await request(bridge.runtime.app).post('/agent/demo/run').send(input);
    expect(first.status).toBe(200);
    const second = await request(bridge.runtime.app).post('/agent/demo/run').send(input);
    expect(second.status).toBe(400);
    expect(second.body.error.code).toBe('INVALID_INPUT');
    const summary = await request(bridge.runtime.app).get('/threads/t-reuse');
    expect(summary.body.status).toBe('idle');
    expect(summary.body.runs).toHaveLength(1);
  });

  it('answers 404 NOT_FOUND as JSON for unknown routes', async () => {
    const res = await request(bridge.runtime.app).get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
