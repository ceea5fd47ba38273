/**
 * Writes schemas/*.schema.json from the zod schemas in src (the source of truth); `--check` fails
 * when a committed file differs, so the JSON Schemas cannot drift from the code (run by `npm test`).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AgentsFileSchema } from '../src/agents/agent-definition.js';
import { AgentOverrideSchema } from '../src/agents/agent-override.js';
import { ConfigSchema } from '../src/config.js';
import { ErrorBodySchema, ThreadEventsResponseSchema } from '../src/http/http-schemas.js';
import { ResolveBodySchema } from '../src/http/interrupt-routes.js';
import { ApprovalPayloadSchema } from '../src/interrupts/approval-payload.js';
import { PausePayloadSchema } from '../src/interrupts/pause-interrupt.js';
import { AgentEventSchema } from '../src/protocol/agent-event.js';
import { ErrorCodeSchema } from '../src/protocol/error-codes.js';
import { ThreadSnapshotSchema } from '../src/protocol/thread-snapshot.js';

const schemas: Record<string, z.ZodType> = {
  'agent-event': AgentEventSchema,
  'approval-payload': ApprovalPayloadSchema,
  'pause-payload': PausePayloadSchema,
  'resolve-body': ResolveBodySchema,
  'agents-file': AgentsFileSchema,
  'stored-agent-definition': AgentOverrideSchema,
  config: ConfigSchema,
  'error-body': ErrorBodySchema,
  'error-code': ErrorCodeSchema,
  'thread-events-response': ThreadEventsResponseSchema,
  'thread-snapshot': ThreadSnapshotSchema,
};

const dir = 'schemas';
const expected = new Map(
  Object.entries(schemas).map(([name, schema]) => {
    // AG-UI's schemas use custom types for "any JSON"; those become unconstrained in JSON Schema.
    const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' });
    const document = { $id: `https://agui-bridge.local/schemas/${name}.schema.json`, title: name, ...json };
    return [`${name}.schema.json`, `${JSON.stringify(document, null, 2)}\n`];
  }),
);

if (process.argv.includes('--check')) {
  const stale = [...expected].filter(([file, text]) => {
    const target = path.join(dir, file);
    return !existsSync(target) || readFileSync(target, 'utf8') !== text;
  });
  const extra = existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.json') && !expected.has(f))
    : [];
  if (stale.length > 0 || extra.length > 0) {
    console.error(
      `schemas/ is out of date (${[...stale.map(([f]) => f), ...extra].join(', ')}): run npm run schemas`,
    );
    process.exit(1);
  }
} else {
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of expected) writeFileSync(path.join(dir, file), text);
  console.log(`wrote ${expected.size} schemas to ${dir}/`);
}
