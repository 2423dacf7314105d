/** Misuse of the SDK API (bad options, a level out of range, endSpan without beginSpan). */
export class TelemetryError extends Error {
  override readonly name = 'TelemetryError';
}
