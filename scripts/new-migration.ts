/**
 * Writes a new migration for both providers from the schema change since the last commit
 * (`git show HEAD:prisma/sqlite/schema.prisma`), or from empty when there are no migrations yet.
 * `prisma migrate dev` is not used: it fails offline on a fresh SQLite file (docs/runbook.md).
 *
 * Usage: npm run db:migration -- <name>
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, existsSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toPostgres } from './generate-prisma-schemas.js';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <snake_case_name>');
  process.exit(2);
}
execFileSync('npx', ['tsx', 'scripts/generate-prisma-schemas.ts'], { stdio: 'inherit' });
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);

for (const provider of ['sqlite', 'postgres'] as const) {
  const dir = `prisma/${provider}/migrations`;
  const hasMigrations = existsSync(dir) && readdirSync(dir).some((d) => /^\d/.test(d));
  const args = [
    'prisma',
    'migrate',
    'diff',
    '--script',
    '--to-schema-datamodel',
    `prisma/${provider}/schema.prisma`,
  ];
  if (hasMigrations) {
    const previous = execFileSync('git', ['show', 'HEAD:prisma/sqlite/schema.prisma'], { encoding: 'utf8' });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'schema-')), 'schema.prisma');
    writeFileSync(file, provider === 'sqlite' ? previous : toPostgres(previous));
    args.push('--from-schema-datamodel', file);
  } else {
    args.push('--from-empty');
  }
  const sql = execFileSync('npx', args, { encoding: 'utf8' });
  const out = path.join(dir, `${stamp}_${name}`);
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'migration.sql'), sql);
  const lock = path.join(dir, 'migration_lock.toml');
  if (!existsSync(lock)) {
    writeFileSync(lock, `provider = "${provider === 'sqlite' ? 'sqlite' : 'postgresql'}"\n`);
  }
  console.log(`wrote ${out}/migration.sql`);
}
