import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger, wantsPrettyLogs } from '../../../src/observability/create-logger.js';
import { createHttpLogger } from '../../../src/observability/http-logger.js';

function capture() {
  const lines: Record<string, any>[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { lines, logger: createLogger({ level: 'info', pretty: false, destination }) };
}

describe('logs', () => {
  it('log each request with its id and never its key, header or URL token', async () => {
    const { lines, logger } = capture();
    const app = express();
    app.use(createHttpLogger(logger));
    app.get('/threads', (req, res) => {
      (req as unknown as { log: typeof logger }).log.info({ threadId: 't1' }, 'handler');
      res.json({});
    });
    const res = await request(app)
      .get('/threads?token=sk-secret-token&x=1')
      .set('authorization', 'Bearer sk-secret-key')
      .set('x-request-id', 'req-7');
    expect(res.headers['x-request-id']).toBe('req-7');
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(text).not.toContain('sk-secret');
    const handler = lines.find((l) => l.msg === 'handler');
    expect(handler).toMatchObject({ reqId: 'req-7', threadId: 't1', service: 'agui-bridge' });
    const done = lines.find((l) => l.res);
    expect(done).toMatchObject({
      reqId: 'req-7',
      req: { method: 'GET', url: '/threads?token=[redacted]&x=1' },
    });
    expect(done!.res.statusCode).toBe(200);
    expect(done!.req.headers).toBeUndefined();
  });

  it('logs a response at its level once, and neither probes nor scrapers', async () => {
    const { lines, logger } = capture();
    const app = express();
    app.use(createHttpLogger(logger));
    app.get('/health', (_req, res) => void res.json({ ok: true }));
    app.get('/missing', (_req, res) => void res.status(404).json({}));
    app.get('/broken', (_req, res) => void res.status(500).json({}));
    await request(app).get('/health');
    await request(app).get('/missing');
    await request(app).get('/broken');
    const done = lines.filter((l) => l.res);
    expect(done.map((l) => [l.req.url, l.res.statusCode, l.level])).toEqual([
      ['/missing', 404, 40],
      ['/broken', 500, 50],
    ]);
    expect(done.every((l) => typeof l.responseTime === 'number' && l.reqId === l.req.id)).toBe(true);
  });

  it('redacts credentials logged by hand', () => {
    const { lines, logger } = capture();
    logger.info(
      { req: { headers: { authorization: 'Bearer k' } }, headers: { authorization: 'Bearer k' } },
      'x',
    );
    expect(JSON.stringify(lines[0])).not.toContain('Bearer k');
  });

  it('prints pretty logs on a terminal or with LOG_PRETTY=1, JSON otherwise', () => {
    expect(wantsPrettyLogs(undefined, true)).toBe(true);
    expect(wantsPrettyLogs(undefined, false)).toBe(false);
    expect(wantsPrettyLogs('1', false)).toBe(true);
    expect(wantsPrettyLogs('0', true)).toBe(false);
  });
});
