/** The SQL dialect of a store: placeholders and identifier quoting differ. */
export type SqlDialect = 'sqlite' | 'postgres';

/** Anything that runs raw SQL inside the current Prisma transaction. */
interface RawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Rows per statement: well under SQLite's bound-parameter limit for tables of a few columns. */
const ROWS_PER_STATEMENT = 100;

/**
 * Inserts rows with multi-row INSERT statements inside the caller's transaction. Prisma's
 * createMany costs about 0.13 ms a row here; one statement for a hundred rows costs a fraction of
 * that, and a long run ends with thousands of messages and tool calls (docs/benchmarks.md).
 */
export async function insertRows(
  tx: RawExecutor,
  dialect: SqlDialect,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
): Promise<void> {
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    let n = 0;
    const tuples = chunk.map(
      () => `(${columns.map(() => (dialect === 'postgres' ? `$${++n}` : '?')).join(', ')})`,
    );
    await tx.$executeRawUnsafe(head + tuples.join(', '), ...chunk.flat());
  }
}
