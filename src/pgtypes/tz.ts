/**
 * UTC offsets of an IANA time zone, for rendering timestamptz the way PostgreSQL does in the
 * session's TimeZone.
 *
 * Intl.DateTimeFormat answers in microseconds-expensive calls, so offsets are cached per UTC
 * hour: an hour whose first and last second share an offset has that offset throughout (no
 * zone changes offset twice within an hour); an hour with a transition stores the transition
 * second, found by bisection.
 *
 * Instants outside the JS Date range (years beyond ±271821, which DuckDB's timestamptz reaches)
 * are moved by whole 400-year Gregorian cycles into it: a cycle is exactly 146097 days, i.e.
 * 20871 weeks, so date, weekday and time of day are unchanged and a zone's recurring rule
 * ("second Sunday of March") gives the offset ICU gives for the real instant. Clamping to the
 * edge instead would take the offset of the edge's date (September: summer time) for every
 * far instant.
 */
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

const BUCKET_SECONDS = 3600;
const CACHE_SIZE = 4096;
const MAX_DATE_SECONDS = 8.64e12;
const CYCLE_SECONDS = 146097 * 86400;

const UTC_NAMES = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt', 'z', 'zulu', 'universal', 'etc/universal', 'etc/zulu', 'uct', 'etc/uct', 'gmt0', 'etc/gmt0', 'greenwich', 'etc/greenwich']);

export function isUtcZone(timeZone: string): boolean {
  return UTC_NAMES.has(timeZone.toLowerCase());
}

/**
 * Throws PgError 22023 unless `timeZone` is an IANA zone name Intl knows (in any case), the
 * form EncodeContext.timeZone takes. For the SET TimeZone handler to call before storing it.
 */
export function checkTimeZone(timeZone: string): void {
  if (!isUtcZone(timeZone)) zoneFormat(timeZone);
}

export class ZoneOffsets {
  readonly isUtc: boolean;
  private readonly format: Intl.DateTimeFormat | null;
  private readonly keys = new Float64Array(CACHE_SIZE).fill(Number.NaN);
  private readonly before = new Int32Array(CACHE_SIZE);
  private readonly after = new Int32Array(CACHE_SIZE);
  /** First second (UTC) that has the `after` offset. */
  private readonly switchAt = new Float64Array(CACHE_SIZE);

  constructor(readonly timeZone: string) {
    this.isUtc = isUtcZone(timeZone);
    this.format = this.isUtc ? null : zoneFormat(timeZone);
  }

  /** Offset in seconds east of UTC at the instant `epochSeconds` (an integer). */
  offsetAt(epochSeconds: number): number {
    if (this.isUtc) return 0;
    const bucket = Math.floor(epochSeconds / BUCKET_SECONDS);
    const slot = bucket & (CACHE_SIZE - 1);
    if (this.keys[slot] !== bucket) this.fill(slot, bucket);
    return epochSeconds < this.switchAt[slot] ? this.before[slot] : this.after[slot];
  }

  private fill(slot: number, bucket: number): void {
    const start = bucket * BUCKET_SECONDS;
    const end = start + BUCKET_SECONDS - 1;
    const first = this.exact(start);
    const last = this.exact(end);
    let switchAt = start;
    if (first !== last) {
      let lo = start;
      let hi = end;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.exact(mid) === first) lo = mid;
        else hi = mid;
      }
      switchAt = hi;
    }
    this.keys[slot] = bucket;
    this.before[slot] = first;
    this.after[slot] = last;
    this.switchAt[slot] = switchAt;
  }

  /** The offset straight from Intl: local wall time minus UTC wall time, both from one formatter. */
  private exact(epochSeconds: number): number {
    const inRange = intoDateRange(epochSeconds);
    const local = wallClock(this.format!, inRange);
    const utc = wallClock(utcFormat, inRange);
    let diff = local.secondOfDay - utc.secondOfDay;
    if (local.day !== utc.day) {
      // Offsets are under a day, so the dates differ by exactly one day; the later one is
      // the first of a month when the months differ.
      const localLater = local.month === utc.month ? local.day > utc.day : local.day === 1;
      diff += localLater ? 86400 : -86400;
    }
    return diff;
  }
}

/** `epochSeconds` moved by whole 400-year cycles into the JS Date range (see the file comment). */
export function intoDateRange(epochSeconds: number): number {
  if (epochSeconds > MAX_DATE_SECONDS) return epochSeconds - Math.ceil((epochSeconds - MAX_DATE_SECONDS) / CYCLE_SECONDS) * CYCLE_SECONDS;
  if (epochSeconds < -MAX_DATE_SECONDS) return epochSeconds + Math.ceil((-MAX_DATE_SECONDS - epochSeconds) / CYCLE_SECONDS) * CYCLE_SECONDS;
  return epochSeconds;
}

interface WallClock {
  month: number;
  day: number;
  secondOfDay: number;
}

function wallClock(format: Intl.DateTimeFormat, epochSeconds: number): WallClock {
  let month = 0;
  let day = 0;
  let second = 0;
  for (const part of format.formatToParts(epochSeconds * 1000)) {
    switch (part.type) {
      case 'month': month = Number(part.value); break;
      case 'day': day = Number(part.value); break;
      case 'hour': second += Number(part.value) * 3600; break;
      case 'minute': second += Number(part.value) * 60; break;
      case 'second': second += Number(part.value); break;
    }
  }
  return { month, day, secondOfDay: second };
}

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (err) {
    throw new PgError(SqlState.InvalidParameterValue, `invalid value for parameter "TimeZone": "${timeZone}"`, { cause: err });
  }
}

const utcFormat = zoneFormat('UTC');
