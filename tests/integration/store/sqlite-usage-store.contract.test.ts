import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';
import { describeUsageStoreContract } from './usage-store.contract.js';

describeUsageStoreContract('SQLite', async () => {
  const store = await openSqliteStore(createTestDatabaseUrl());
  return { store, dispose: () => store.close() };
});
