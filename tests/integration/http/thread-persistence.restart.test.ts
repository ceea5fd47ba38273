import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { HttpAgent } from '@ag-ui/client';
import type { Message } from '@ag-ui/core';
import { createBackendDatabase } from '../../fixtures/test-backend.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

let bridge: TestBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

describe('a conversation survives a restart on the same SQLite file', () => {
  it('finds the thread, its messages, state and events intact, and continues it', async () => {
    const database = await createBackendDatabase();
    onTestFinished(() => database.drop());
    const databaseUrl = database.url;
    bridge = await startTestBridge({ databaseUrl });
    const agent = new HttpAgent({
      url: `${bridge.url}/agent/demo/run`,
      threadId: 'survivor',
      initialMessages: [{ id: 'u1', role: 'user', content: 'remember me' }],
    });
    await agent.runAgent();
    const before = await (await fetch(`${bridge.url}/threads/survivor`)).json();
    const eventsBefore = await (await fetch(`${bridge.url}/threads/survivor/events`)).json();
    await bridge.close();

    bridge = await startTestBridge({ databaseUrl });
    const after = await (await fetch(`${bridge.url}/threads/survivor`)).json();
    expect(after).toEqual(before);
    expect(await (await fetch(`${bridge.url}/threads/survivor/events`)).json()).toEqual(eventsBefore);
    const messages = (await (await fetch(`${bridge.url}/threads/survivor/messages`)).json()) as Message[];
    expect(messages).toEqual(agent.messages);

    // A fresh client that sends only its new message continues from the stored state.
    const fresh = new HttpAgent({
      url: `${bridge.url}/agent/demo/run`,
      threadId: 'survivor',
      initialMessages: [{ id: 'u2', role: 'user', content: 'again' }],
    });
    await fresh.runAgent();
    expect(fresh.state).toMatchObject({ turn: 2, lastQuestion: 'again' });
    const all = (await (await fetch(`${bridge.url}/threads/survivor/messages`)).json()) as Message[];
    expect(all.map((m) => m.id).slice(0, messages.length)).toEqual(messages.map((m) => m.id));
    expect(all.map((m) => m.id)).toContain('u2');
  });
});
