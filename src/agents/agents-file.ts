import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { AgentsFileSchema, type AgentsFile } from './agent-definition.js';

/** The agents file cannot be read, is not YAML, or does not match the schema; the message names file and fields. */
export class AgentsFileError extends Error {
  /** One line per problem, each `file: path: message`. */
  readonly problems: string[];

  constructor(problems: string[], options?: { cause?: unknown }) {
    super(problems.join('\n'), options);
    this.name = 'AgentsFileError';
    this.problems = problems;
  }
}

/** Reads, parses and validates a YAML agents file; throws AgentsFileError naming every bad field. */
export async function loadAgentsFile(path: string): Promise<AgentsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new AgentsFileError([`${path}: cannot read the agents file (${reason})`], { cause: error });
  }
  return parseAgentsFile(text, path);
}

/** Parses and validates agents-file YAML text; `fileName` only labels the error messages. */
export function parseAgentsFile(text: string, fileName: string): AgentsFile {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new AgentsFileError(document.errors.map((error) => `${fileName}: ${describeYamlError(error)}`));
  }
  const result = AgentsFileSchema.safeParse(document.toJS());
  if (!result.success) {
    throw new AgentsFileError(result.error.issues.map((issue) => `${fileName}: ${describeIssue(issue)}`));
  }
  return result.data;
}

function describeYamlError(error: {
  message: string;
  linePos?: [{ line: number; col: number }, ...unknown[]];
}): string {
  // The library appends the position and a source excerpt to the message; keep one line, position first.
  const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:$/, '');
  const position = error.linePos?.[0];
  return position ? `line ${position.line}, column ${position.col}: ${reason}` : reason;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/** `['agents', 0, 'tools', 1, 'approval']` → `agents[0].tools[1].approval`. */
function formatPath(path: PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
