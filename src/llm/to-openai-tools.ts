import type { Tool } from '@ag-ui/core';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';

// Function calling needs an object schema; an AG-UI tool without parameters takes no arguments.
const NO_PARAMETERS = { type: 'object', properties: {} };

/** Converts AG-UI tool declarations to chat-completions function tools. */
export function toOpenAiTools(tools: Tool[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      description: tool.description,
      parameters: (tool.parameters as Record<string, unknown> | undefined) ?? NO_PARAMETERS,
    },
  }));
}
