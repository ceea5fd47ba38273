import { pino, type Logger } from 'pino';

/** How many distinct problems a server under test keeps (the first ones explain the rest). */
const MAX_PROBLEMS = 5;

interface LogLine {
  msg?: string;
  err?: { message?: string; code?: string; stack?: string };
}

/** One line per error: the message, the error's last line and code, and where in src/ it was thrown. */
function describe(line: LogLine): string {
  const message = (line.err?.message ?? '').trim().split('\n').at(-1) ?? '';
  const where = line.err?.stack
    ?.split('\n')
    .find((frame) => frame.includes('/src/'))
    ?.replace(/^.*\/(src\/[^)]*)\)?$/, '$1');
  const code = line.err?.code ? ` (${line.err.code})` : '';
  return `${line.msg ?? 'error'}: ${message}${code}${where ? ` at ${where}` : ''}`;
}

/**
 * A logger for a bridge under test that keeps its first distinct errors, so the report can say
 * why runs failed. `BENCH_LOG_LEVEL` also prints the log to stderr.
 */
export function createProblemLogger(): { logger: Logger; problems(): string[] } {
  const problems = new Set<string>();
  const echo = process.env.BENCH_LOG_LEVEL;
  const logger = pino(
    { level: echo ?? 'error' },
    {
      write(text: string) {
        if (echo) process.stderr.write(text);
        if (problems.size >= MAX_PROBLEMS) return;
        const line = JSON.parse(text) as LogLine & { level?: number };
        if ((line.level ?? 0) >= 50) problems.add(describe(line));
      },
    },
  );
  return { logger, problems: () => [...problems] };
}
