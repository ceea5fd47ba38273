/** A PostgreSQL URL split into the pg connection string and the Prisma schema (`?schema=`). */
export function splitPostgresUrl(url: string): { connectionString: string; schema: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}
