import type { BridgeStore } from './bridge-store.js';
import { openPostgresStore } from './postgres/open-postgres-store.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';

/** What the store reports that is worth an operator's attention but fails no request. */
export interface StoreOptions {
  onWarning?: (message: string) => void;
}

/** Opens the store `DATABASE_URL` names: `file:` is SQLite, `postgres://` PostgreSQL. */
export async function openStore(url: string, options: StoreOptions = {}): Promise<BridgeStore> {
  if (url.startsWith('file:')) return openSqliteStore(url, options);
  return openPostgresStore(url);
}
