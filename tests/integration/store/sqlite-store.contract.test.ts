import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';
import { describeBridgeStoreContract } from './bridge-store.contract.js';

describeBridgeStoreContract('SQLite', async () => {
  const store = await openSqliteStore(createTestDatabaseUrl());
  return { store, dispose: () => store.close() };
});
