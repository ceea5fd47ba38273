import { defineConfig } from 'vitest/config';

// The HTTP, interrupt and live suites run twice: on the embedded default (SQLite, one process) and
// on PostgreSQL + Redis (multi-instance mode), each test with its own database and key prefix.
const ACCEPTANCE = [
  'tests/integration/http/**/*.test.ts',
  'tests/integration/interrupts/**/*.test.ts',
  'tests/integration/live/**/*.test.ts',
  'tests/integration/ws/**/*.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['tests/fixtures/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'postgres-redis', include: ACCEPTANCE, env: { BRIDGE_TEST_BACKEND: 'postgres-redis' } },
      },
    ],
  },
});
