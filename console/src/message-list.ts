import { h } from './dom.js';
import { prettyJson } from './format.js';
import type { MessageView } from './types.js';

/** Renders AG-UI messages: role, text, tool calls with their arguments, tool results. */
export function renderMessages(
  stored: readonly MessageView[],
  drafts: readonly MessageView[],
): HTMLElement[] {
  const all = [...stored.map((m) => ({ m, draft: false })), ...drafts.map((m) => ({ m, draft: true }))];
  return all.map(({ m, draft }) =>
    h(
      'li',
      {
        class: `message role-${m.role}${draft ? ' draft' : ''}`,
        testid: 'message',
        'data-role': m.role,
        'data-message-id': m.id,
      },
      h('span', { class: 'role' }, draft ? `${m.role} (streaming)` : m.role),
      ...body(m),
    ),
  );
}

function body(m: MessageView): HTMLElement[] {
  const parts: HTMLElement[] = [];
  const text = textOf(m.content);
  if (m.role === 'tool') {
    parts.push(h('span', { class: 'subtle' }, `result of ${m.toolCallId ?? '?'}`));
    parts.push(
      h(
        'pre',
        { class: 'json', testid: 'tool-result', 'data-tool-call-id': m.toolCallId ?? '' },
        prettyJson(text),
      ),
    );
    if (m.error) parts.push(h('p', { class: 'error' }, m.error));
    return parts;
  }
  if (text) parts.push(h('p', { class: 'text', testid: 'message-text' }, text));
  for (const call of m.toolCalls ?? []) {
    parts.push(
      h(
        'div',
        { class: 'tool-call', testid: 'tool-call', 'data-tool-call-id': call.id },
        h(
          'span',
          {},
          'calls ',
          h('strong', {}, call.function.name),
          h('span', { class: 'subtle' }, ` (${call.id})`),
        ),
        h('pre', { class: 'json' }, prettyJson(call.function.arguments || '{}')),
      ),
    );
  }
  return parts;
}

/** A message's text: a string, or the text parts of multimodal content. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : prettyJson(content);
  return content
    .map((part: { type?: string; text?: string }) =>
      part.type === 'text' ? (part.text ?? '') : `[${part.type ?? 'part'}]`,
    )
    .join('');
}
