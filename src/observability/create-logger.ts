import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import PinoPretty from 'pino-pretty';

/**
 * Paths pino blanks in every log line: credentials must never reach a log, whoever logs what.
 * Request logs carry no headers at all (see createHttpLogger); these cover anything logged by hand.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'apiKey',
  '*.apiKey',
  'OPENAI_API_KEY',
  'BRIDGE_API_KEYS',
];

/** The bridge's logger: JSON lines, or pino-pretty when `pretty` (a TTY, or LOG_PRETTY=1). */
export function createLogger(options: {
  level: LoggerOptions['level'];
  pretty: boolean;
  /** Where JSON lines go (default stdout). */
  destination?: DestinationStream;
}): Logger {
  const settings: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'agui-bridge' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  // A synchronous pretty stream in this thread: logs stay in order with the process's own output.
  if (options.pretty) return pino(settings, PinoPretty({ colorize: true, sync: true }));
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** Pretty output when asked (`LOG_PRETTY=1`), or when stdout is a terminal and not refused (`LOG_PRETTY=0`). */
export function wantsPrettyLogs(logPretty: string | undefined, isTty: boolean | undefined): boolean {
  if (logPretty === '1') return true;
  if (logPretty === '0') return false;
  return isTty === true;
}
