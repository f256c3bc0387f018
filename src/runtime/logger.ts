import { pino, type LevelWithSilent, type Logger } from 'pino';

export type { LevelWithSilent as LogLevel, Logger };

/** A pino logger, silent unless asked: a library must not write to its host's stdout by default. */
export function createLogger(level: LevelWithSilent = 'silent'): Logger {
  return pino({ level, base: { component: 'nadb-replication' } });
}
