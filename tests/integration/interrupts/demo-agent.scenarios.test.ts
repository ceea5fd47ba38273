import { afterEach, describe, expect, it } from 'vitest';
import { agentClient, getJson } from '../../fixtures/llm-bridge.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

let bridge: TestBridge;
afterEach(() => bridge.close());

describe('demo agent interrupt scenarios (no key needed)', () => {
  it('asks approval for a refund, then refunds once approved', async () => {
    bridge = await startTestBridge();
    const { agent, run } = agentClient(bridge.url, 'demo', 'demo-refund', [
      { id: 'u1', role: 'user', content: 'please refund my order' },
    ]);
    const first = await run();
    expect(first.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'interrupt' } });
    const [interrupt] = agent.pendingInterrupts;
    expect(interrupt).toMatchObject({ reason: 'tool_approval' });

    const second = await run({
      resume: [{ interruptId: interrupt!.id, status: 'resolved', payload: { approved: true } }],
    });
    expect(second.find((e) => e.type === 'TOOL_CALL_RESULT')).toMatchObject({
      toolCallId: interrupt!.toolCallId,
    });
    expect(String(agent.messages.at(-1)?.content)).toContain('refunded');
    const record = (await getJson(`${bridge.url}/interrupts?threadId=demo-refund`)).interrupts[0];
    expect(record.status).toBe('executed');
  });

  it('calls the client declared frontend tool and reads its answer on the next run', async () => {
    bridge = await startTestBridge();
    const tool = {
      name: 'show_banner',
      description: 'Shows a banner',
      parameters: { type: 'object', properties: {} },
    };
    const { agent, run } = agentClient(bridge.url, 'demo', 'demo-fe', [
      { id: 'u1', role: 'user', content: 'use a frontend tool' },
    ]);
    const first = await run({ tools: [tool] });
    const outcome = (first.at(-1) as unknown as { outcome: { pendingToolCallIds: string[] } }).outcome;
    expect(outcome.pendingToolCallIds).toHaveLength(1);
    agent.addMessage({
      id: 'ans',
      role: 'tool',
      toolCallId: outcome.pendingToolCallIds[0]!,
      content: 'banner shown',
    });
    await run({ tools: [tool] });
    expect(String(agent.messages.at(-1)?.content)).toContain('banner shown');
  });
});
