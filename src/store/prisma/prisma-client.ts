import { PrismaClient } from './generated/sqlite/client.js';

/**
 * The Prisma client type the stores are written against. The SQLite and PostgreSQL clients are
 * generated from one schema, so their model APIs are the same.
 */
export type BridgePrismaClient = InstanceType<typeof PrismaClient>;

export { PrismaClient as SqlitePrismaClient };
