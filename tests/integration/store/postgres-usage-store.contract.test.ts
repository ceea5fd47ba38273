import { openPostgresStore } from '../../../src/store/postgres/open-postgres-store.js';
import { createPostgresTestDatabase } from '../../fixtures/postgres-database.js';
import { describeUsageStoreContract } from './usage-store.contract.js';

describeUsageStoreContract('PostgreSQL', async () => {
  const database = await createPostgresTestDatabase();
  const store = await openPostgresStore(database.url);
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});
