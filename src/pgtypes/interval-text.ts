/**
 * Interval input in the forms PostgreSQL clients send and DuckDB does not read: PostgreSQL's
 * own output (`-1 days +02:00:00`), the verbose form JDBC's PGInterval writes
 * (`1 years 2 mons 3 days 4 hours 5 mins 6.5 secs`), `@ … ago`, and ISO 8601 with designators
 * (`P1Y2M3DT4H5M6.5S`). Fractions cascade down as in DecodeInterval (a month is 30 days, a day
 * 24 hours). Returns undefined for any other text, which is then left to DuckDB's cast.
 */

export interface IntervalParts {
  months: number;
  days: number;
  micros: bigint;
}

const US_PER_DAY = 86_400_000_000;

/** Units in months, days or microseconds. */
const UNITS: Record<string, { months?: number; days?: number; micros?: number }> = {};
function unit(names: string[], value: { months?: number; days?: number; micros?: number }): void {
  for (const n of names) UNITS[n] = value;
}
unit(['microsecond', 'microseconds', 'us', 'usec', 'usecs', 'useconds'], { micros: 1 });
unit(['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'mseconds'], { micros: 1_000 });
unit(['second', 'seconds', 's', 'sec', 'secs'], { micros: 1_000_000 });
unit(['minute', 'minutes', 'm', 'min', 'mins'], { micros: 60_000_000 });
unit(['hour', 'hours', 'h', 'hr', 'hrs'], { micros: 3_600_000_000 });
unit(['day', 'days', 'd'], { days: 1 });
unit(['week', 'weeks', 'w'], { days: 7 });
unit(['month', 'months', 'mon', 'mons'], { months: 1 });
unit(['year', 'years', 'y', 'yr', 'yrs'], { months: 12 });
unit(['decade', 'decades'], { months: 120 });
unit(['century', 'centuries'], { months: 1200 });
unit(['millennium', 'millennia', 'millenniums'], { months: 12000 });

class Accumulator {
  months = 0;
  days = 0;
  micros = 0;

  /** Adds value × unit, cascading the fractional part into the next smaller field. */
  add(value: number, u: { months?: number; days?: number; micros?: number }): void {
    if (u.micros !== undefined) {
      this.micros += Math.round(value * u.micros);
    } else if (u.days !== undefined) {
      const days = value * u.days;
      const whole = Math.trunc(days);
      this.days += whole;
      this.micros += Math.round((days - whole) * US_PER_DAY);
    } else {
      const months = value * u.months!;
      const whole = Math.trunc(months);
      this.months += whole;
      const days = (months - whole) * 30;
      const wholeDays = Math.trunc(days);
      this.days += wholeDays;
      this.micros += Math.round((days - wholeDays) * US_PER_DAY);
    }
  }

  result(negate: boolean): IntervalParts | undefined {
    const sign = negate ? -1 : 1;
    if (!Number.isSafeInteger(this.micros) || Math.abs(this.months) > 2147483647 || Math.abs(this.days) > 2147483647) return undefined;
    return { months: sign * this.months || 0, days: sign * this.days || 0, micros: BigInt(sign * this.micros || 0) };
  }
}

const TIME = /^([+-])?(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

function parsePostgres(text: string): IntervalParts | undefined {
  let s = text.trim().toLowerCase();
  if (s.startsWith('@')) s = s.slice(1).trim();
  let negate = false;
  if (/\sago$/.test(s) || s === 'ago') {
    negate = true;
    s = s.slice(0, -3).trim();
  }
  const tokens = s.split(/\s+/).filter((t) => t.length > 0);
  if (tokens.length === 0) return undefined;
  const acc = new Accumulator();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const time = TIME.exec(t);
    if (time) {
      const sign = time[1] === '-' ? -1 : 1;
      const us = (Number(time[2]) * 3600 + Number(time[3]) * 60) * 1e6 + Math.round(Number(time[4] ?? 0) * 1e6);
      acc.micros += sign * us;
      continue;
    }
    const glued = /^([+-]?(?:\d+\.?\d*|\.\d+))([a-z]+)$/.exec(t);
    const [num, name] = glued ? [glued[1], glued[2]] : [t, tokens[i + 1]];
    if (!NUMBER.test(num)) return undefined;
    const u = name === undefined ? undefined : UNITS[name];
    if (u === undefined) {
      // A bare number is seconds, as in PostgreSQL ('5' → 00:00:05), only as the last token.
      if (glued || i !== tokens.length - 1) return undefined;
      acc.add(Number(num), UNITS.second);
      continue;
    }
    acc.add(Number(num), u);
    if (!glued) i++;
  }
  return acc.result(negate);
}

const ISO = /^P(?:(-?\d+(?:\.\d+)?)Y)?(?:(-?\d+(?:\.\d+)?)M)?(?:(-?\d+(?:\.\d+)?)W)?(?:(-?\d+(?:\.\d+)?)D)?(?:T(?:(-?\d+(?:\.\d+)?)H)?(?:(-?\d+(?:\.\d+)?)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/i;

function parseIso(text: string): IntervalParts | undefined {
  const m = ISO.exec(text.trim());
  if (!m || text.trim().toUpperCase().endsWith('T') || /^P$/i.test(text.trim())) return undefined;
  const acc = new Accumulator();
  const fields: [string | undefined, string][] = [
    [m[1], 'year'], [m[2], 'month'], [m[3], 'week'], [m[4], 'day'], [m[5], 'hour'], [m[6], 'minute'], [m[7], 'second'],
  ];
  for (const [v, name] of fields) if (v !== undefined) acc.add(Number(v), UNITS[name]);
  return acc.result(false);
}

export function parseIntervalText(text: string): IntervalParts | undefined {
  return /^\s*P/i.test(text) ? parseIso(text) : parsePostgres(text);
}
