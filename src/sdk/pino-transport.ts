import { Writable } from 'node:stream';
import type { TelemetryOptions } from './options.js';
import { Telemetry } from './telemetry.js';

/**
 * pino → Sirius (package subpath `sirius/pino`). Either as a transport running
 * in pino's worker thread:
 *   pino({ transport: { target: 'sirius/pino', options: { url } } })
 * or as a destination stream in the same thread:
 *   pino(pinoDestination(telemetry))
 * pino levels 10 trace … 60 fatal map to 6 … 1; `msg` is the message; the
 * `module` field, else the logger `name`, is the target; `time` is the event
 * time; every other field except pid and hostname (already in the process
 * description) goes to the properties, as JSON.
 */

export interface PinoDestinationOptions {
  /** Target when a line has neither `module` nor `name`. Default: the telemetry's default target ('pino' here). */
  defaultTarget?: string;
  /** pino's messageKey, if changed. Default 'msg'. */
  messageKey?: string;
  /** Shut the telemetry down when the stream ends (the transport owns its telemetry). */
  shutdownOnEnd?: boolean;
}

const LABELS: Record<string, number> = { fatal: 1, error: 2, warn: 3, info: 4, debug: 5, trace: 6 };
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'module']);

/** pino numbers: ≥60 fatal, ≥50 error, ≥40 warn, ≥30 info, ≥20 debug, below trace (custom levels fall in between). */
export function pinoLevel(level: unknown): number {
  if (typeof level === 'string') return LABELS[level] ?? 4;
  if (typeof level !== 'number') return 4;
  return level >= 60 ? 1 : level >= 50 ? 2 : level >= 40 ? 3 : level >= 30 ? 4 : level >= 20 ? 5 : 6;
}

function epochMs(time: unknown): number {
  if (typeof time === 'number') return time;
  if (typeof time === 'string') {
    const t = Date.parse(time);
    if (!Number.isNaN(t)) return t;
  }
  return Date.now();
}

export function recordPinoLine(t: Telemetry, line: string, defaultTarget: string, messageKey = 'msg'): void {
  const rec = JSON.parse(line) as Record<string, unknown>;
  const rawMsg = rec[messageKey];
  const msg = typeof rawMsg === 'string' ? rawMsg : rawMsg === undefined ? '' : JSON.stringify(rawMsg);
  const target = typeof rec.module === 'string' ? rec.module : typeof rec.name === 'string' ? rec.name : defaultTarget;
  let props: Record<string, unknown> | undefined;
  for (const key in rec) {
    if (key === messageKey || OMITTED.has(key)) continue;
    (props ??= {})[key] = rec[key];
  }
  t.logAt(epochMs(rec.time), pinoLevel(rec.level), target, msg, props && JSON.stringify(props));
}

export function pinoDestination(t: Telemetry, options: PinoDestinationOptions = {}): Writable {
  const target = options.defaultTarget ?? 'pino';
  const key = options.messageKey ?? 'msg';
  let rest = '';
  let badLines = 0;
  const take = (text: string): void => {
    const lines = (rest + text).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        recordPinoLine(t, line, target, key);
      } catch (err) {
        if (badLines++ === 0) process.emitWarning(`sirius/pino: skipping a line that is not a pino JSON record: ${(err as Error).message}`);
      }
    }
  };
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, cb) {
      take(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      cb();
    },
    final(cb) {
      if (rest !== '') take('\n');
      const done = options.shutdownOnEnd ? t.shutdown() : t.flush();
      done.then(() => cb(), cb);
    },
  });
  // thread-stream calls flush() when pino.flush() is called on the main thread.
  return Object.assign(stream, { flush: (cb: (err?: Error) => void) => void t.flush().then(() => cb(), cb) });
}

/** The pino transport entry point: pino runs it in a worker thread with `options`. */
export default async function pinoTransport(options: TelemetryOptions & PinoDestinationOptions): Promise<Writable> {
  const t = new Telemetry({ defaultTarget: 'pino', ...options });
  return pinoDestination(t, { ...options, shutdownOnEnd: true });
}
