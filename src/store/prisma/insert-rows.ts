/** The SQL dialect of a store: placeholders and identifier quoting differ. */
export type SqlDialect = 'sqlite' | 'postgres';

/** Anything that runs raw SQL inside the current Prisma transaction. */
interface RawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Bound parameters per statement: under SQLite's oldest limit (999) and PostgreSQL's (65535). */
const PARAMETERS_PER_STATEMENT = { sqlite: 990, postgres: 30_000 } as const;

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
  /** An `ON CONFLICT …` clause appended to each statement. */
  onConflict = '',
): Promise<void> {
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  const rowsPerStatement = Math.max(1, Math.floor(PARAMETERS_PER_STATEMENT[dialect] / columns.length));
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    let n = 0;
    const tuples = chunk.map(
      () => `(${columns.map(() => (dialect === 'postgres' ? `$${++n}` : '?')).join(', ')})`,
    );
    await tx.$executeRawUnsafe(`${head}${tuples.join(', ')} ${onConflict}`, ...chunk.flat());
  }
}
