import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs: object first, message second, errors under `err`; one child per connection. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { svc: 'sirius' } }, destination ?? process.stderr);
}

/** A logger that discards everything, for tests that do not read logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
