import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentsFileError, loadAgentsFile, parseAgentsFile } from '../../../src/agents/agents-file.js';

const GOOD = `
agents:
  - id: assistant
    name: Assistant
    description: Answers questions and books things
    model: gpt-4o-mini
    baseUrl: https://llm.example.com/v1
    apiKeyEnv: OTHER_LLM_API_KEY
    systemPrompt: You are helpful.
    maxIterations: 5
    tools:
      - name: lookup_order
        description: Find an order
        parameters: { type: object, properties: { id: { type: string } }, required: [id] }
        handler: { type: http, url: "http://127.0.0.1:9000/tools/lookup_order" }
        approval: never
      - name: refund_order
        description: Refund an order
        parameters: { type: object, properties: { id: { type: string } }, required: [id] }
        handler: { type: http, url: "http://127.0.0.1:9000/tools/refund_order", timeoutMs: 5000 }
        approval: always
        approvalTtl: 15m
  - id: minimal
    name: Minimal
    description: Only what is required
    model: llama3
`;

function errorOf(text: string): AgentsFileError {
  try {
    parseAgentsFile(text, 'agents.yaml');
  } catch (error) {
    if (error instanceof AgentsFileError) return error;
    throw error;
  }
  throw new Error('expected an AgentsFileError');
}

/** GOOD with one line replaced, to break exactly one field. */
function goodWith(search: string, replacement: string): string {
  if (!GOOD.includes(search)) throw new Error(`fixture has no ${search}`);
  return GOOD.replace(search, replacement);
}

describe('agents file validation', () => {
  it('loads the contract example from disk, applying defaults', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agents-file-'));
    const file = path.join(dir, 'agents.yaml');
    writeFileSync(file, GOOD);
    const { agents } = await loadAgentsFile(file);
    expect(agents.map((a) => a.id)).toEqual(['assistant', 'minimal']);
    const [assistant, minimal] = agents;
    expect(assistant?.tools[1]).toEqual({
      name: 'refund_order',
      description: 'Refund an order',
      parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      handler: { type: 'http', url: 'http://127.0.0.1:9000/tools/refund_order', timeoutMs: 5000 },
      approval: 'always',
      approvalTtl: '15m',
    });
    expect(assistant?.maxIterations).toBe(5);
    expect(minimal).toEqual({
      id: 'minimal',
      name: 'Minimal',
      description: 'Only what is required',
      model: 'llama3',
      maxIterations: 8,
      concurrency: 'reject',
      tools: [],
    });
  });

  it('defaults a tool to approval never and an empty object schema', () => {
    const { agents } = parseAgentsFile(
      goodWith(
        '        parameters: { type: object, properties: { id: { type: string } }, required: [id] }\n        handler: { type: http, url: "http://127.0.0.1:9000/tools/lookup_order" }\n        approval: never\n',
        '        handler: { type: http, url: "http://127.0.0.1:9000/tools/lookup_order" }\n',
      ),
      'agents.yaml',
    );
    expect(agents[0]?.tools[0]).toMatchObject({
      approval: 'never',
      parameters: { type: 'object', properties: {} },
    });
  });

  it('names the file and the field path of a bad enum value', () => {
    const error = errorOf(goodWith('approval: always', 'approval: sometimes'));
    expect(error.message).toBe(
      'agents.yaml: agents[0].tools[1].approval: Invalid option: expected one of "never"|"always"',
    );
  });

  it('lists every bad field, one line each', () => {
    const error = errorOf(
      goodWith('maxIterations: 5', 'maxIterations: 0').replace('approvalTtl: 15m', 'approvalTtl: 15 minutes'),
    );
    expect(error.problems).toEqual([
      expect.stringMatching(/^agents\.yaml: agents\[0\]\.maxIterations: /),
      expect.stringMatching(/^agents\.yaml: agents\[0\]\.tools\[1\]\.approvalTtl: Invalid duration/),
    ]);
    expect(error.message.split('\n')).toEqual(error.problems);
  });

  it.each([
    ['a non URL-safe id', 'id: assistant', 'id: my agent', 'agents[0].id: Invalid id'],
    ['a missing model', '    model: gpt-4o-mini\n', '', 'agents[0].model: Invalid input'],
    [
      'a handler that is not http',
      'type: http, url: "http://127.0.0.1:9000/tools/lookup_order"',
      'type: grpc, url: "http://127.0.0.1:9000/x"',
      'agents[0].tools[0].handler.type: Invalid input',
    ],
    [
      'a handler URL that is not http(s)',
      '"http://127.0.0.1:9000/tools/lookup_order"',
      '"ftp://127.0.0.1/x"',
      'agents[0].tools[0].handler.url: Invalid URL',
    ],
    [
      'parameters that are not an object schema',
      'parameters: { type: object, properties: { id: { type: string } }, required: [id] }\n        handler: { type: http, url: "http://127.0.0.1:9000/tools/lookup_order" }',
      'parameters: { type: string }\n        handler: { type: http, url: "http://127.0.0.1:9000/tools/lookup_order" }',
      'agents[0].tools[0].parameters.type: Invalid input',
    ],
    [
      'a misspelt key',
      'approval: always',
      'aproval: always',
      'agents[0].tools[1]: Unrecognized key: "aproval"',
    ],
  ])('rejects %s', (_label, search, replacement, expected) => {
    expect(errorOf(goodWith(search, replacement)).message).toContain(`agents.yaml: ${expected}`);
  });

  it('rejects a duplicate agent id, naming it', () => {
    const error = errorOf(goodWith('id: minimal', 'id: assistant'));
    expect(error.message).toBe('agents.yaml: agents[1].id: Duplicate agent id "assistant"');
  });

  it('rejects a duplicate tool name within an agent', () => {
    const error = errorOf(goodWith('name: refund_order', 'name: lookup_order'));
    expect(error.message).toBe('agents.yaml: agents[0].tools[1].name: Duplicate tool name "lookup_order"');
  });

  it('reports YAML syntax errors with their position', () => {
    const error = errorOf('agents:\n  - id: [unclosed\n');
    expect(error.message).toMatch(/^agents\.yaml: line 3, column 1: Flow sequence .* end with a \]$/);
  });

  it('rejects duplicate YAML keys', () => {
    expect(errorOf('agents: []\nagents: []\n').message).toBe(
      'agents.yaml: line 2, column 1: Map keys must be unique',
    );
  });

  it('rejects an empty file', () => {
    expect(errorOf('').message).toMatch(/^agents\.yaml: Invalid input: expected object/);
  });

  it('names the file it cannot read', async () => {
    const missing = path.join(tmpdir(), 'no-such-dir-for-agents', 'agents.yaml');
    await expect(loadAgentsFile(missing)).rejects.toThrow(`${missing}: cannot read the agents file (ENOENT)`);
  });
});
