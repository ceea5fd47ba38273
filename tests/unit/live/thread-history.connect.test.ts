import { describe, expect, it } from 'vitest';
import { EMPTY, from, type Observable } from 'rxjs';
import { AbstractAgent } from '@ag-ui/client';
import type { BaseEvent, Message } from '@ag-ui/core';
import { createInMemoryEventBus } from '../../../src/live/in-memory-event-bus.js';
import {
  streamThreadHistory,
  UNTERMINATED_RUN_MESSAGE,
  type HistoryFrame,
} from '../../../src/live/thread-history.js';
import type { RunRecord } from '../../../src/store/thread-store.js';
import { createInMemoryEventLog } from '../../fakes/in-memory-event-log.js';
import { verifyAgui } from '../../fixtures/run-agent-verified.js';

const THREAD = 't';

/** An AG-UI client whose `connect` replays given events: `@ag-ui/client` applies and verifies them. */
class ReplayAgent extends AbstractAgent {
  constructor(private readonly events: BaseEvent[]) {
    super({ threadId: THREAD });
  }
  run(): Observable<BaseEvent> {
    return EMPTY;
  }
  protected override connect(): Observable<BaseEvent> {
    return from(this.events);
  }
}

type Run = { runId: string; events: Record<string, unknown>[] };

const text = (id: string, ...deltas: string[]) => [
  { type: 'TEXT_MESSAGE_START', messageId: id, role: 'assistant' },
  ...deltas.map((delta) => ({ type: 'TEXT_MESSAGE_CONTENT', messageId: id, delta })),
  { type: 'TEXT_MESSAGE_END', messageId: id },
];
const started = (runId: string) => ({ type: 'RUN_STARTED', threadId: THREAD, runId });
const finished = (runId: string, outcome?: unknown) => ({
  type: 'RUN_FINISHED',
  threadId: THREAD,
  runId,
  ...(outcome ? { outcome } : {}),
});

/** Four runs: text; a backend tool call with its result then text; a run that said nothing; text. */
const RUNS: Run[] = [
  { runId: 'r1', events: [started('r1'), ...text('a1', 'Hel', 'lo'), finished('r1')] },
  {
    runId: 'r2',
    events: [
      started('r2'),
      { type: 'TOOL_CALL_START', toolCallId: 'tc1', toolCallName: 'lookup', parentMessageId: 'a2' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'tc1', delta: '{"q":' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'tc1', delta: '1}' },
      { type: 'TOOL_CALL_END', toolCallId: 'tc1' },
      { type: 'TOOL_CALL_RESULT', messageId: 't1', toolCallId: 'tc1', content: 'ok', role: 'tool' },
      { type: 'STATE_SNAPSHOT', snapshot: { n: 1 } },
      { type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/n', value: 2 }] },
      ...text('a3', 'do', 'ne'),
      finished('r2'),
    ],
  },
  { runId: 'r3', events: [started('r3'), finished('r3', { type: 'cancelled' })] },
  { runId: 'r4', events: [started('r4'), ...text('a4', 'bye'), finished('r4')] },
];
const STORED: Message[] = [
  { id: 'u1', role: 'user', content: 'hi' },
  { id: 'a1', role: 'assistant', content: 'Hello' },
  { id: 'u2', role: 'user', content: 'look it up' },
  {
    id: 'a2',
    role: 'assistant',
    toolCalls: [{ id: 'tc1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }],
  },
  { id: 't1', role: 'tool', toolCallId: 'tc1', content: 'ok' },
  { id: 'a3', role: 'assistant', content: 'done' },
  { id: 'u3', role: 'user', content: 'never mind' },
  { id: 'u4', role: 'user', content: 'goodbye' },
  { id: 'a4', role: 'assistant', content: 'bye' },
];

/** `runs`: the stored runs (`running` = in flight somewhere); a logged run without a record never ended. */
function setup(options: { runs?: Partial<RunRecord>[] } = {}) {
  const log = createInMemoryEventLog();
  const bus = createInMemoryEventBus();
  const state = { messages: STORED, runs: options.runs ?? [] };
  /** Appends (and publishes) events as the run service would. */
  const commit = async (runId: string, events: Record<string, unknown>[]) => {
    const first = (await log.lastSeq(THREAD)) + 1;
    const logged = events.map((event, i) => ({
      seq: first + i,
      runId,
      type: String(event.type),
      json: JSON.stringify(event),
    }));
    await log.append(THREAD, logged);
    bus.publish(THREAD, logged);
  };
  const open = (compact = false) => {
    const frames: HistoryFrame[] = [];
    const history = streamThreadHistory(
      {
        log,
        bus,
        threads: { messages: async () => state.messages, runs: async () => state.runs as RunRecord[] },
        now: () => 1_700_000_000_000,
      },
      { threadId: THREAD, compact },
      { send: (frame) => void frames.push(frame) },
    );
    return { frames, history };
  };
  return { log, bus, state, commit, open };
}

async function restore(frames: HistoryFrame[]) {
  const events = frames.map((f) => f.event);
  await verifyAgui(events);
  const agent = new ReplayAgent(events);
  await agent.connectAgent();
  return agent;
}

const shape = (messages: Message[]) =>
  messages.map((m) => ({ id: m.id, role: m.role, content: 'content' in m ? m.content : undefined }));

describe('thread history (connect)', () => {
  it('replays every run with its input echo: a fresh client ends with the stored conversation, in order', async () => {
    const { commit, open } = setup();
    for (const run of RUNS) await commit(run.runId, run.events);
    const { frames, history } = open();
    expect(await history.ended).toEqual({ reason: 'complete' });

    const agent = await restore(frames);
    expect(shape(agent.messages)).toEqual(shape(STORED));
    expect(agent.messages[3]).toMatchObject({
      toolCalls: [{ id: 'tc1', function: { arguments: '{"q":1}' } }],
    });
    expect(agent.state).toEqual({ n: 2 });
    const echoes = frames
      .filter((f) => f.event.type === 'RUN_STARTED')
      .map((f) => ((f.event as { input?: { messages: Message[] } }).input?.messages ?? []).map((m) => m.id));
    expect(echoes).toEqual([['u1'], ['u2'], ['u3', 'u4'], []]);
    // Logged events keep their seq; the echo rewrites RUN_STARTED but not its seq.
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i + 1));
  });

  it('compacts finished runs on request: one content event per message, same conversation and state', async () => {
    const { commit, open } = setup();
    for (const run of RUNS) await commit(run.runId, run.events);
    const { frames, history } = open(true);
    await history.ended;
    const agent = await restore(frames);
    expect(shape(agent.messages)).toEqual(shape(STORED));
    expect(agent.state).toEqual({ n: 2 });
    const types = frames.map((f) => f.event.type);
    expect(types.filter((t) => t === 'TEXT_MESSAGE_CONTENT')).toHaveLength(3);
    expect(types.filter((t) => t === 'TOOL_CALL_ARGS')).toHaveLength(1);
    expect(types).not.toContain('STATE_DELTA');
  });

  it('closes a run with no terminal event that is not stored as running with an unlogged RUN_ERROR', async () => {
    for (const compact of [false, true]) {
      const { commit, open } = setup();
      await commit('r1', RUNS[0]!.events);
      await commit('r-dead', [started('r-dead'), ...text('a-dead', 'cut').slice(0, 2)]);
      const { frames, history } = open(compact);
      expect(await history.ended).toEqual({ reason: 'complete' });
      await verifyAgui(frames.map((f) => f.event));
      expect(frames.at(-1)).toMatchObject({
        event: { type: 'RUN_ERROR', message: UNTERMINATED_RUN_MESSAGE },
      });
      expect(frames.at(-1)!.seq).toBeUndefined();
    }
  });

  it('closes an unterminated run followed by another run before that run starts', async () => {
    const { commit, open } = setup();
    await commit('r-dead', [started('r-dead'), ...text('a-dead', 'cut').slice(0, 2)]);
    await commit('r4', RUNS[3]!.events);
    const { frames, history } = open();
    await history.ended;
    await verifyAgui(frames.map((f) => f.event));
    expect(frames.map((f) => f.event.type)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'RUN_ERROR',
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
  });

  it('follows the in-flight run live until its terminal event, then ends', async () => {
    for (const compact of [false, true]) {
      const { commit, open, state } = setup({
        runs: [
          { runId: 'r1', status: 'success' },
          { runId: 'r4', status: 'running' },
        ],
      });
      await commit('r1', RUNS[0]!.events);
      const live = RUNS[3]!.events;
      await commit('r4', live.slice(0, 3));
      const { frames, history } = open(compact);
      let ended = false;
      void history.ended.then(() => (ended = true));
      await expect
        .poll(() => frames.some((f) => f.event.type === 'TEXT_MESSAGE_CONTENT' && f.seq === 9))
        .toBe(true);
      expect(ended).toBe(false);
      // Stored as ended before its terminal event is published, as the run service does.
      state.runs = [
        { runId: 'r1', status: 'success' },
        { runId: 'r4', status: 'success' },
      ];
      await commit('r4', live.slice(3));
      expect(await history.ended).toEqual({ reason: 'complete' });
      expect(frames.at(-1)?.event.type).toBe('RUN_FINISHED');
      await verifyAgui(frames.map((f) => f.event));
    }
  });

  it('waits for an accepted run that has logged nothing yet, not for one whose terminal event it has', async () => {
    const waiting = setup({
      runs: [
        { runId: 'r1', status: 'success' },
        { runId: 'r4', status: 'running' },
      ],
    });
    await waiting.commit('r1', RUNS[0]!.events);
    const first = waiting.open();
    await expect.poll(() => first.frames.length).toBe(RUNS[0]!.events.length);
    await waiting.commit('r4', RUNS[3]!.events);
    expect(await first.history.ended).toEqual({ reason: 'complete' });
    expect(first.frames.at(-1)).toMatchObject({ seq: RUNS[0]!.events.length + RUNS[3]!.events.length });

    // A terminal event read from the log before the run's end is stored: that run is not in flight.
    const ending = setup({ runs: [{ runId: 'r1', status: 'running' }] });
    await ending.commit('r1', RUNS[0]!.events);
    expect(await ending.open().history.ended).toEqual({ reason: 'complete' });
  });

  it('reads a terminal event logged but not yet published instead of calling the run unterminated', async () => {
    const { log, state, commit, open } = setup({ runs: [{ runId: 'r1', status: 'running' }] });
    const events = RUNS[0]!.events;
    await commit('r1', events.slice(0, -1));
    // Right after the replay's read: the run logs its end and stores it; the bus has not brought it.
    const read = log.read.bind(log);
    let hooked = false;
    log.read = async (threadId, after, limit) => {
      const page = await read(threadId, after, limit);
      if (!hooked) {
        hooked = true;
        const seq = (await log.lastSeq(THREAD)) + 1;
        const terminal = events.at(-1)!;
        await log.append(THREAD, [
          { seq, runId: 'r1', type: 'RUN_FINISHED', json: JSON.stringify(terminal) },
        ]);
        state.runs = [{ runId: 'r1', status: 'success' }];
      }
      return page;
    };
    const { frames, history } = open();
    expect(await history.ended).toEqual({ reason: 'complete' });
    expect(frames.map((f) => f.event.type)).toEqual(events.map((e) => e.type));
  });
});
