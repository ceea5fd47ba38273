import { describe, expect, it } from 'vitest';
import { loadAgentCatalog } from '../../../console/src/agent-catalog.js';
import { ApiError, type Api } from '../../../console/src/api-client.js';
import { explainPauseRefusal } from '../../../console/src/pause-control.js';

/** The console's Api answering GETs from a table: a value, or an ApiError to throw. */
function apiAnswering(answers: Record<string, unknown>): Api & { asked: string[] } {
  const asked: string[] = [];
  const get = async <T>(path: string): Promise<T> => {
    asked.push(path);
    const answer = answers[path];
    if (answer instanceof ApiError) throw answer;
    if (answer === undefined) throw new ApiError(404, 'NOT_FOUND', `No route GET ${path}`);
    return answer as T;
  };
  const refuse = () => Promise.reject(new Error('not used'));
  return { asked, get, post: refuse, put: refuse, open: refuse };
}

const INFO = {
  agents: {
    demo: {
      name: 'Demo',
      description: 'Built in',
      capabilities: { tools: { items: [{ name: 'a' }, { name: 'b' }] }, humanInTheLoop: { approvals: true } },
    },
    assistant: {
      name: 'Assistant',
      description: 'Orders',
      capabilities: { tools: { items: [{ name: 'x' }] } },
    },
  },
};
const tool = (name: string, approval: string, approvalTtl?: string) => ({ name, approval, approvalTtl });

describe('loadAgentCatalog', () => {
  it('reads model, tools and approvals from each effective definition; the built-in one from /info', async () => {
    const api = apiAnswering({
      '/info': INFO,
      '/admin/agents': {
        agents: [
          {
            id: 'demo',
            name: 'Demo',
            description: '',
            source: 'builtin',
            version: null,
            overridden: false,
            extends: null,
            editable: false,
          },
          {
            id: 'assistant',
            name: 'Assistant',
            description: '',
            source: 'yaml',
            version: 3,
            overridden: true,
            extends: null,
            editable: true,
          },
        ],
      },
      '/admin/agents/demo': { id: 'demo', source: 'builtin', effective: null },
      '/admin/agents/assistant': {
        id: 'assistant',
        source: 'yaml',
        effective: {
          model: 'gpt-x',
          tools: [tool('lookup', 'never'), tool('refund', 'always', '2h'), tool('ship', 'always')],
        },
      },
    });
    const catalog = await loadAgentCatalog(api);
    expect(catalog).toMatchObject({ admin: true, note: null });
    expect(catalog.rows).toEqual([
      expect.objectContaining({
        id: 'demo',
        source: 'builtin',
        model: null,
        tools: 2,
        approvals: ['some tools'],
      }),
      expect.objectContaining({
        id: 'assistant',
        source: 'yaml',
        version: 3,
        model: 'gpt-x',
        tools: 3,
        approvals: ['refund (2h)', 'ship'],
        editable: true,
      }),
    ]);
  });

  it('falls back to /info, read-only and saying why, when /admin answers 403 or 404', async () => {
    const forbidden = new ApiError(403, 'FORBIDDEN', 'Tenant "app" may not administer agents');
    for (const [refusal, says] of [
      [forbidden, '403 FORBIDDEN'],
      [undefined, 'no agent admin API'],
    ] as const) {
      const catalog = await loadAgentCatalog(apiAnswering({ '/info': INFO, '/admin/agents': refusal }));
      expect(catalog.admin).toBe(false);
      expect(catalog.note).toContain(says);
      expect(catalog.rows.map((r) => [r.id, r.source, r.model, r.tools, r.approvals, r.editable])).toEqual([
        ['demo', null, null, 2, ['some tools'], false],
        ['assistant', null, null, 1, [], false],
      ]);
    }
  });

  it('does not hide other failures behind the fallback', async () => {
    const api = apiAnswering({ '/info': INFO, '/admin/agents': new ApiError(500, 'INTERNAL_ERROR', 'boom') });
    await expect(loadAgentCatalog(api)).rejects.toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });
});

describe('explainPauseRefusal', () => {
  it('says what each refusal of a pause means', () => {
    const explain = (status: number, code: string) => explainPauseRefusal(new ApiError(status, code, 'm'));
    expect(explain(409, 'THREAD_NOT_RUNNING')).toMatch(/^Nothing to pause \(409 THREAD_NOT_RUNNING\)/);
    expect(explain(404, 'NOT_FOUND')).toMatch(/cannot pause runs/);
    expect(explain(404, 'THREAD_NOT_FOUND')).toBe('Gone (404 THREAD_NOT_FOUND). m');
    expect(explain(401, 'UNAUTHORIZED')).toBe('401 UNAUTHORIZED: m');
  });
});
