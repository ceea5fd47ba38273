import { openPostgresStore } from '../../../src/store/postgres/open-postgres-store.js';
import { createPostgresTestDatabase } from '../../fixtures/postgres-database.js';
import { describeAgentDefinitionStoreContract } from './agent-definition-store.contract.js';

describeAgentDefinitionStoreContract('PostgreSQL', async () => {
  const database = await createPostgresTestDatabase();
  const store = await openPostgresStore(database.url);
  return {
    store: store.agents,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});
