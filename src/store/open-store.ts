import type { BridgeStore } from './bridge-store.js';
import { openPostgresStore } from './postgres/open-postgres-store.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';

/** Opens the store `DATABASE_URL` names: `file:` is SQLite, `postgres://` PostgreSQL. */
export async function openStore(url: string): Promise<BridgeStore> {
  if (url.startsWith('file:')) return openSqliteStore(url);
  return openPostgresStore(url);
}
