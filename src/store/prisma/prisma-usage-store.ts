import type { UsageGroup, UsageGroupBy, UsageQuery, UsageStore, UsageTotals } from '../usage-store.js';
import type { SqlDialect } from '../sql/sql-dialect.js';
import type { BridgePrismaClient } from './prisma-client.js';

/** The SQL expression each grouping groups by (column names are fixed here, never from input). */
function groupExpression(groupBy: UsageGroupBy, dialect: SqlDialect): string {
  switch (groupBy) {
    case 'tenant':
      return '"tenantId"';
    case 'agent':
      return '"agentId"';
    case 'thread':
      return '"threadId"';
    case 'run':
      return '"runId"';
    case 'model':
      return '"model"';
    case 'day':
      // Prisma keeps DateTime as UTC on both providers: SQLite as ISO-8601 text, PostgreSQL as timestamp.
      return dialect === 'postgres' ? `to_char("at", 'YYYY-MM-DD')` : `substr("at", 1, 10)`;
  }
}

// CAST to DOUBLE PRECISION: PostgreSQL's SUM and COUNT are bigint, which the driver hands back as strings.
const SUMS = `
  CAST(SUM("inputTokens") AS DOUBLE PRECISION) AS "inputTokens",
  CAST(SUM("outputTokens") AS DOUBLE PRECISION) AS "outputTokens",
  CAST(SUM("cachedTokens") AS DOUBLE PRECISION) AS "cachedTokens",
  CAST(SUM("reasoningTokens") AS DOUBLE PRECISION) AS "reasoningTokens",
  SUM("costUsd") AS "costUsd",
  CAST(COUNT(*) AS DOUBLE PRECISION) AS "calls",
  CAST(COUNT(DISTINCT "threadId" || ':' || "runId") AS DOUBLE PRECISION) AS "runs"`;

type SumRow = Record<keyof Omit<UsageTotals, 'totalTokens'>, unknown> & { key?: unknown; threadId?: unknown };

function toTotals(row: SumRow | undefined): UsageTotals {
  const n = (value: unknown): number => (value == null ? 0 : Number(value));
  const input = n(row?.inputTokens);
  const output = n(row?.outputTokens);
  return {
    inputTokens: input,
    outputTokens: output,
    cachedTokens: n(row?.cachedTokens),
    reasoningTokens: n(row?.reasoningTokens),
    totalTokens: input + output,
    costUsd: row?.costUsd == null ? null : Number(row.costUsd),
    calls: n(row?.calls),
    runs: n(row?.runs),
  };
}

/** The UsageStore on Prisma: rows through the client, summaries as one GROUP BY each. */
export function createPrismaUsageStore(prisma: BridgePrismaClient, dialect: SqlDialect): UsageStore {
  const placeholder = (i: number): string => (dialect === 'postgres' ? `$${i}` : '?');
  return {
    async record(rows) {
      if (rows.length === 0) return;
      await prisma.usageRecord.createMany({ data: rows });
    },

    async summarize(query: UsageQuery) {
      const params: unknown[] = [query.tenantId, query.from, query.to];
      let where = `"tenantId" = ${placeholder(1)} AND "at" >= ${placeholder(2)} AND "at" < ${placeholder(3)}`;
      if (query.threadId !== undefined) {
        params.push(query.threadId);
        where += ` AND "threadId" = ${placeholder(4)}`;
      }
      const key = groupExpression(query.groupBy, dialect);
      const byRun = query.groupBy === 'run';
      const groupBy = byRun ? `${key}, "threadId"` : key;
      const groupRows = await prisma.$queryRawUnsafe<SumRow[]>(
        `SELECT ${key} AS "key"${byRun ? ', "threadId"' : ''}, ${SUMS}
         FROM "UsageRecord" WHERE ${where} GROUP BY ${groupBy} ORDER BY ${groupBy}`,
        ...params,
      );
      const [totalRow] = await prisma.$queryRawUnsafe<SumRow[]>(
        `SELECT ${SUMS} FROM "UsageRecord" WHERE ${where}`,
        ...params,
      );
      const groups: UsageGroup[] = groupRows.map((row) => ({
        key: String(row.key),
        ...(byRun ? { threadId: String(row.threadId) } : {}),
        ...toTotals(row),
      }));
      return { groups, totals: toTotals(totalRow) };
    },
  };
}
