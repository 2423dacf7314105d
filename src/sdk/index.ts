/**
 * Sirius Node SDK (package subpath `sirius/sdk`): logs, metrics and spans sent
 * as binary blocks to the ingestion service. See docs/block-format.md.
 */
export { Telemetry, init, type Properties, type TelemetryStats } from './telemetry.js';
export type { TelemetryOptions } from './options.js';
export type { ProcessInfo, ProcessInfoOverrides } from './process-info.js';
export { TelemetryError } from './errors.js';

/** Levels as stored (Micromegas numbering). */
export const Level = { fatal: 1, error: 2, warn: 3, info: 4, debug: 5, trace: 6 } as const;
export type Level = (typeof Level)[keyof typeof Level];
export type { EventTime } from './clock.js';
