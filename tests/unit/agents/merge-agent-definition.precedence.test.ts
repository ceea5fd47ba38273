import { describe, expect, it } from 'vitest';
import { AgentDefinitionSchema, type AgentDefinition } from '../../../src/agents/agent-definition.js';
import { AgentOverrideSchema } from '../../../src/agents/agent-override.js';
import { mergeAgentDefinition } from '../../../src/agents/merge-agent-definition.js';

const handler = (name: string) => ({ type: 'http' as const, url: `http://127.0.0.1:9000/tools/${name}` });

const TEMPLATE: AgentDefinition = AgentDefinitionSchema.parse({
  id: 'support',
  name: 'Support',
  description: 'Template',
  model: 'gpt-template',
  baseUrl: 'https://template.example.com/v1',
  apiKeyEnv: 'TEMPLATE_API_KEY',
  systemPrompt: 'Template prompt',
  maxIterations: 5,
  concurrency: 'enqueue',
  tools: [
    { name: 'lookup', description: 'Look up', handler: handler('lookup') },
    {
      name: 'refund',
      description: 'Refund',
      handler: handler('refund'),
      approval: 'always',
      approvalTtl: '15m',
    },
  ],
});

/** Merges a raw override (validated as the admin API does) over `template`. */
function merge(raw: unknown, template: AgentDefinition | null = TEMPLATE, id = 'mine') {
  return mergeAgentDefinition(id, AgentOverrideSchema.parse(raw), template ?? undefined);
}

function effective(raw: unknown, template: AgentDefinition | null = TEMPLATE): AgentDefinition {
  const result = merge(raw, template);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.definition;
}

describe('mergeAgentDefinition: stored over template over defaults, per field', () => {
  const fields = [
    ['name', 'Mine'],
    ['description', 'Mine too'],
    ['model', 'gpt-stored'],
    ['baseUrl', 'https://stored.example.com/v1'],
    ['apiKeyEnv', 'STORED_API_KEY'],
    ['systemPrompt', 'Stored prompt'],
    ['maxIterations', 2],
    ['concurrency', 'reject'],
  ] as const;

  it.each(fields)('%s: the stored value wins over the template', (field, value) => {
    const merged = effective({ [field]: value });
    expect(merged[field]).toEqual(value);
    // Every other field is still the template's.
    for (const [other] of fields.filter(([f]) => f !== field)) expect(merged[other]).toEqual(TEMPLATE[other]);
    expect(merged.tools).toEqual(TEMPLATE.tools);
  });

  it.each(fields)('%s: absent from the stored definition, the template value stays', (field) => {
    expect(effective({})[field]).toEqual(TEMPLATE[field]);
  });

  it('takes the id from the stored agent, never from the template', () => {
    expect(effective({}).id).toBe('mine');
  });

  it('applies the built-in defaults when neither sets a field', () => {
    const merged = effective(
      {
        name: 'Bare',
        description: '',
        model: 'gpt-bare',
        tools: [{ name: 't', description: 'T', handler: handler('t') }],
      },
      null,
    );
    expect(merged).toMatchObject({ maxIterations: 8, concurrency: 'reject' });
    expect(merged.tools[0]).toMatchObject({
      approval: 'never',
      parameters: { type: 'object', properties: {} },
    });
    expect(merged).not.toHaveProperty('baseUrl');
    expect(merged).not.toHaveProperty('systemPrompt');
  });

  it.each(['baseUrl', 'apiKeyEnv', 'systemPrompt'] as const)(
    '%s: null unsets the template value',
    (field) => {
      expect(effective({ [field]: null })).not.toHaveProperty(field);
    },
  );
});

describe('mergeAgentDefinition: tools merge by name', () => {
  it('changes only the fields a stored entry sets on the template tool of that name', () => {
    const merged = effective({ tools: [{ name: 'lookup', approval: 'always' }] });
    expect(merged.tools).toEqual([{ ...TEMPLATE.tools[0], approval: 'always' }, TEMPLATE.tools[1]]);
  });

  it('drops a template tool with remove: true', () => {
    expect(effective({ tools: [{ name: 'refund', remove: true }] }).tools.map((t) => t.name)).toEqual([
      'lookup',
    ]);
  });

  it('appends a new tool after the template tools, in stored order', () => {
    const merged = effective({ tools: [{ name: 'extra', description: 'Extra', handler: handler('extra') }] });
    expect(merged.tools.map((t) => t.name)).toEqual(['lookup', 'refund', 'extra']);
    expect(merged.tools[2]).toMatchObject({ approval: 'never' });
  });

  it('unsets a template approvalTtl with null', () => {
    const refund = effective({ tools: [{ name: 'refund', approvalTtl: null }] }).tools[1];
    expect(refund).not.toHaveProperty('approvalTtl');
    expect(refund).toMatchObject({ approval: 'always' });
  });

  it('replaces handler and parameters as a whole', () => {
    const parameters = { type: 'object', properties: { q: { type: 'string' } } };
    const lookup = effective({ tools: [{ name: 'lookup', parameters, handler: handler('other') }] }).tools[0];
    expect(lookup).toMatchObject({ parameters, handler: handler('other') });
  });

  it('names the stored entry when a new tool is incomplete', () => {
    const result = merge({
      tools: [
        { name: 'lookup', approval: 'always' },
        { name: 'half', description: 'Half' },
      ],
    });
    expect(result).toMatchObject({ ok: false, issues: [{ path: 'tools.1.handler' }] });
  });

  it('refuses to remove a tool the template does not have', () => {
    const result = merge({ tools: [{ name: 'nope', remove: true }] });
    expect(result).toMatchObject({ ok: false, issues: [{ path: 'tools.0.name' }] });
  });
});

describe('mergeAgentDefinition: the result must validate', () => {
  it('names model when no model is set anywhere', () => {
    const result = merge({ name: 'No model', description: '' }, null);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toEqual(['model']);
  });
});

describe('AgentOverrideSchema', () => {
  it('is strict on unknown keys, in tools too', () => {
    const result = AgentOverrideSchema.safeParse({ tools: [{ name: 'refund', aproval: 'always' }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', path: ['tools', 0] });
  });

  it('takes no other field beside remove: true', () => {
    const result = AgentOverrideSchema.safeParse({
      tools: [{ name: 'refund', remove: true, approval: 'never' }],
    });
    expect(result.error?.issues[0]).toMatchObject({ path: ['tools', 0, 'approval'] });
  });

  it('allows only *_API_KEY variables for apiKeyEnv', () => {
    expect(AgentOverrideSchema.safeParse({ apiKeyEnv: 'DATABASE_URL' }).success).toBe(false);
    expect(AgentOverrideSchema.safeParse({ apiKeyEnv: 'OTHER_API_KEY' }).success).toBe(true);
  });
});
