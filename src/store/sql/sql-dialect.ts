/** The SQL dialect of a store: placeholders and identifier quoting differ. */
export type SqlDialect = 'sqlite' | 'postgres';
