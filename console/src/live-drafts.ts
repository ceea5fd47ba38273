import type { LoggedEvent } from './thread-follower.js';
import type { MessageView } from './types.js';

/**
 * Messages of the run in flight, built from its events: the bridge stores a run's messages when
 * it ends, so until then the console shows what streamed (same ids as the stored messages, which
 * replace these drafts once fetched).
 */
export class LiveDrafts {
  private readonly drafts = new Map<string, MessageView>();
  private readonly toolParents = new Map<string, string>();

  /** Applies one event; true when the drafts changed. */
  apply(event: LoggedEvent): boolean {
    const str = (key: string): string => String(event[key] ?? '');
    switch (event.type) {
      case 'RUN_STARTED':
        this.drafts.clear();
        this.toolParents.clear();
        return true;
      case 'TEXT_MESSAGE_START':
        this.drafts.set(str('messageId'), {
          id: str('messageId'),
          role: str('role') || 'assistant',
          content: '',
        });
        return true;
      case 'TEXT_MESSAGE_CONTENT': {
        const draft = this.assistant(str('messageId'));
        draft.content = `${typeof draft.content === 'string' ? draft.content : ''}${str('delta')}`;
        return true;
      }
      case 'TOOL_CALL_START': {
        const parentId = str('parentMessageId') || `tool-parent-${str('toolCallId')}`;
        const parent = this.assistant(parentId);
        parent.toolCalls = [
          ...(parent.toolCalls ?? []),
          { id: str('toolCallId'), function: { name: str('toolCallName'), arguments: '' } },
        ];
        this.toolParents.set(str('toolCallId'), parentId);
        return true;
      }
      case 'TOOL_CALL_ARGS': {
        const call = this.drafts
          .get(this.toolParents.get(str('toolCallId')) ?? '')
          ?.toolCalls?.find((c) => c.id === str('toolCallId'));
        if (call) call.function.arguments += str('delta');
        return call !== undefined;
      }
      case 'TOOL_CALL_RESULT':
        this.drafts.set(str('messageId'), {
          id: str('messageId'),
          role: 'tool',
          toolCallId: str('toolCallId'),
          content: str('content'),
        });
        return true;
      default:
        return false;
    }
  }

  /** Drafts not yet among the stored messages, in the order they started. */
  pending(stored: readonly MessageView[]): MessageView[] {
    const known = new Set(stored.map((m) => m.id));
    return [...this.drafts.values()].filter((m) => !known.has(m.id));
  }

  private assistant(id: string): MessageView {
    let draft = this.drafts.get(id);
    if (!draft) {
      draft = { id, role: 'assistant', content: '' };
      this.drafts.set(id, draft);
    }
    return draft;
  }
}
