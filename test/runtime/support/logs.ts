import { pino, type Logger } from 'pino';

export interface CapturedLogs {
  readonly logger: Logger;
  /** Every record logged so far, parsed. */
  records(): Record<string, unknown>[];
}

/** A pino logger that keeps its JSON lines in memory, for tests to read. */
export function captureLogs(level: pino.LevelWithSilent = 'info'): CapturedLogs {
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(line) });
  return { logger, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
