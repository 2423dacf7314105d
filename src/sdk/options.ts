import { TelemetryError } from './errors.js';
import type { ProcessInfoOverrides } from './process-info.js';

export interface TelemetryOptions {
  /** Base URL of the ingestion service, e.g. http://127.0.0.1:9000 (paths /ingestion/… are appended). */
  url: string;
  /** Overrides of the detected process description (exe, username, computer, parent_process_id, …). */
  processInfo?: ProcessInfoOverrides;
  /** Process properties (pid and node_version are added unless given). */
  properties?: Record<string, string>;
  /** Target of logs, metrics and spans that do not name one. Default 'app'. */
  defaultTarget?: string;
  /** A block closes when one event kind reaches this many events. Default 8192. */
  maxEventsPerBlock?: number;
  /** …or when its strings reach about this many bytes. Default 1 MiB. */
  maxBlockBytes?: number;
  /** …or when it has been open this long. Default 1000 ms. */
  maxBlockAgeMs?: number;
  /** Queued (unsent) event blocks beyond this many bytes are dropped, oldest first. Default 16 MiB. */
  queueBudgetBytes?: number;
  /** First retry delay; doubles per attempt up to maxRetryDelayMs, with jitter. Default 100 ms. */
  retryBaseDelayMs?: number;
  /** Default 10 000 ms. */
  maxRetryDelayMs?: number;
  /** Per-request timeout. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Flush when the event loop empties (beforeExit). Default true. */
  flushOnExit?: boolean;
  /** How long the exit flush may keep the process alive. Default 2000 ms. */
  exitFlushTimeoutMs?: number;
  /** zlib level for block payloads. Default 1 (measured: levels 1, 6 and 9 give the same size on log blocks, 1 is the fastest). */
  compressionLevel?: number;
  /**
   * Where closed blocks are encoded and compressed: 'worker' (default) keeps the calling thread's cost per
   * event lowest; 'caller' encodes on the calling thread, which costs less CPU in all (no transfer), for
   * throughput-bound senders such as batch exporters and `sirius generate`.
   */
  encodeIn?: 'worker' | 'caller';
  /** Extra HTTP headers (e.g. authorization) sent with every request. */
  headers?: Record<string, string>;
  /** Where SDK warnings go (each kind once). Default process.emitWarning. */
  onWarning?: (message: string) => void;
}

export type ResolvedOptions = Required<Omit<TelemetryOptions, 'processInfo' | 'properties' | 'headers'>> &
  Pick<TelemetryOptions, 'processInfo' | 'properties' | 'headers'>;

const DEFAULTS = {
  defaultTarget: 'app',
  maxEventsPerBlock: 8192,
  maxBlockBytes: 1024 * 1024,
  maxBlockAgeMs: 1000,
  queueBudgetBytes: 16 * 1024 * 1024,
  retryBaseDelayMs: 100,
  maxRetryDelayMs: 10_000,
  requestTimeoutMs: 10_000,
  flushOnExit: true,
  exitFlushTimeoutMs: 2000,
  compressionLevel: 1,
  encodeIn: 'worker' as 'worker' | 'caller',
  onWarning: (message: string): void => process.emitWarning(message, { type: 'SiriusTelemetryWarning' }),
};

const POSITIVE: (keyof typeof DEFAULTS)[] = [
  'maxEventsPerBlock', 'maxBlockBytes', 'maxBlockAgeMs', 'queueBudgetBytes', 'retryBaseDelayMs', 'maxRetryDelayMs', 'requestTimeoutMs', 'exitFlushTimeoutMs',
];

export function resolveOptions(options: TelemetryOptions): ResolvedOptions {
  if (!options || typeof options.url !== 'string') throw new TelemetryError('init() needs { url: "http://host:port" } of the ingestion service');
  const out = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedOptions;
  for (const key of POSITIVE) {
    const v = out[key];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new TelemetryError(`option ${key} must be a positive number, got ${String(v)}`);
  }
  if (!Number.isInteger(out.compressionLevel) || out.compressionLevel < 1 || out.compressionLevel > 9) {
    throw new TelemetryError(`option compressionLevel must be 1..9, got ${out.compressionLevel}`);
  }
  if (out.encodeIn !== 'worker' && out.encodeIn !== 'caller') throw new TelemetryError(`option encodeIn must be 'worker' or 'caller', got ${String(out.encodeIn)}`);
  return out;
}
