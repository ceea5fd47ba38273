import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';
import { describeAgentDefinitionStoreContract } from './agent-definition-store.contract.js';

describeAgentDefinitionStoreContract('SQLite', async () => {
  const store = await openSqliteStore(createTestDatabaseUrl());
  return { store: store.agents, dispose: () => store.close() };
});
