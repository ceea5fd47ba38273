import { h } from './dom.js';
import { timeOfDay } from './format.js';
import type { LoggedEvent } from './thread-follower.js';

const MAX_ROWS = 1000;

/** The thread's event log as it streams: seq, time, type and the gist of each event. */
export class EventTimeline {
  readonly element = h('ol', { class: 'timeline', testid: 'timeline' });

  add(seq: number, event: LoggedEvent): void {
    const box = this.element;
    // Follow the tail only when the operator is at the bottom already.
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 24;
    box.append(
      h(
        'li',
        { testid: 'timeline-row', 'data-type': event.type, 'data-seq': seq, class: kind(event.type) },
        h('span', { class: 'seq' }, seq),
        h('span', { class: 'time' }, timeOfDay(event.timestamp as number | undefined)),
        h('span', { class: 'type' }, event.type),
        h('span', { class: 'gist' }, gist(event)),
      ),
    );
    while (box.childElementCount > MAX_ROWS) box.firstElementChild?.remove();
    if (atBottom) box.scrollTop = box.scrollHeight;
  }
}

function kind(type: string): string {
  if (type.startsWith('RUN_')) return 'run';
  if (type.startsWith('TOOL_CALL')) return 'tool';
  if (type.startsWith('STATE') || type.startsWith('MESSAGES')) return 'state';
  return 'other';
}

function gist(event: LoggedEvent): string {
  const e = event as Record<string, unknown>;
  const clip = (value: unknown): string => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > 140 ? `${text.slice(0, 140)}…` : text;
  };
  switch (event.type) {
    case 'RUN_STARTED':
      return `run ${String(e.runId)}`;
    case 'RUN_FINISHED': {
      const outcome = e.outcome as { type?: string } | undefined;
      return `run ${String(e.runId)}${outcome?.type ? ` → ${outcome.type}` : ''}`;
    }
    case 'RUN_ERROR':
      return `${String(e.code ?? '')} ${String(e.message ?? '')}`;
    case 'TEXT_MESSAGE_CONTENT':
    case 'TOOL_CALL_ARGS':
      return clip(e.delta);
    case 'TOOL_CALL_START':
      return `${String(e.toolCallName)} (${String(e.toolCallId)})`;
    case 'TOOL_CALL_RESULT':
      return clip(e.content);
    case 'STATE_DELTA':
      return clip(e.delta);
    case 'STEP_STARTED':
    case 'STEP_FINISHED':
      return String(e.stepName ?? '');
    default:
      return '';
  }
}
