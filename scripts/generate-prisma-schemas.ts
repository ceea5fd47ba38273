/**
 * Generates prisma/postgres/schema.prisma from prisma/sqlite/schema.prisma, the one source of truth.
 * `--check` exits non-zero when the generated copy is stale (run by `npm test`).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const source = 'prisma/sqlite/schema.prisma';
const target = 'prisma/postgres/schema.prisma';

/** Derives the PostgreSQL schema text from the SQLite one. */
export function toPostgres(sqlite: string): string {
  const body = sqlite
    .replace(/^\/\/ The single source of truth[\s\S]*?never edit that copy\.\n/m, '')
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('url      = "file:./data/bridge.db"', 'url      = "postgresql://127.0.0.1:5432/bridge"')
    .replace('generated/sqlite"', 'generated/postgres"');
  return `// GENERATED from prisma/sqlite/schema.prisma by scripts/generate-prisma-schemas.ts. Do not edit.\n${body}`;
}

const expected = toPostgres(readFileSync(source, 'utf8'));
if (process.argv.includes('--check')) {
  const actual = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (actual !== expected) {
    console.error(`${target} is stale: run npm run db:schemas`);
    process.exit(1);
  }
} else {
  writeFileSync(target, expected);
  console.log(`wrote ${target}`);
}
