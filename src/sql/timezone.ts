import { invalidValue, unsupportedValue } from './settings-values.js';

/**
 * The TimeZone parameter, with PostgreSQL's rules (check_timezone in
 * commands/variable.c, https://www.postgresql.org/docs/15/datatype-datetime.html#DATATYPE-TIMEZONES):
 * - a bare number is hours EAST of UTC (ISO sign): `SET TIME ZONE 2` shows `<+02>-02`;
 * - a POSIX string is hours WEST of UTC: `'+02:00'` and `'UTC+3'` are behind UTC;
 * - `INTERVAL '+05:30' HOUR TO MINUTE` is east, like a number;
 * - anything else is a tz database name, matched case-insensitively (validated with Intl).
 */

export interface ResolvedZone {
  /** The value SHOW TimeZone and ParameterStatus report. */
  display: string;
  /**
   * A zone name Intl and DuckDB (ICU) accept; fixed offsets map to Etc/GMT∓h. Names keep the
   * client's spelling (a link such as Asia/Kathmandu or Canada/Newfoundland is not replaced by
   * ICU's canonical Asia/Katmandu or America/St_Johns), because DuckDB shows the name it was
   * given (strftime's %Z, current_setting('TimeZone')). The UTC aliases are all `UTC`.
   */
  iana: string;
  /** Seconds east of UTC for a fixed-offset zone; null for a tz database zone. */
  fixedOffsetSeconds: number | null;
}

export interface Interval {
  months: number;
  days: number;
  seconds: number;
}

const PARAM = 'TimeZone';
/** POSIX offsets are limited to less than a week of hours by the tz library PostgreSQL uses. */
const MAX_OFFSET_SECONDS = 168 * 3600 - 1;
/** The Etc/GMT zones, the only fixed offsets Intl and ICU can render, span UTC-12 to UTC+14. */
const ETC_MIN_HOURS = -12;
const ETC_MAX_HOURS = 14;

export function resolveTimeZone(raw: string): ResolvedZone {
  const value = raw.trim();
  const interval = /^INTERVAL '(.*)'$/i.exec(value);
  if (interval) return fromInterval(raw, interval[1]);
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) {
    return fixed(raw, Math.trunc(Number(value) * 3600), 'UTC timezone offset is out of range.');
  }
  const iana = ianaZone(value);
  if (iana) return iana;
  const posix = /^([A-Za-z]{3,}|<[A-Za-z0-9+-]+>)?([+-]?)(\d{1,3})(?::(\d{2}))?(?::(\d{2}))?$/.exec(value);
  if (posix) {
    const west = Number(posix[3]) * 3600 + Number(posix[4] ?? 0) * 60 + Number(posix[5] ?? 0);
    const east = posix[2] === '-' ? west : -west;
    if (Math.abs(east) > MAX_OFFSET_SECONDS) throw invalidValue(PARAM, raw);
    return { display: value, ...etcZone(raw, east) };
  }
  if (/^[A-Za-z]{3,}[+-]?\d[\d:]*[A-Za-z]/.test(value)) {
    throw unsupportedValue(PARAM, raw, 'POSIX time zone rules with daylight-saving time are not supported; use a time zone name such as "America/New_York".');
  }
  throw invalidValue(PARAM, raw);
}

function fixed(raw: string, east: number, rangeDetail: string): ResolvedZone {
  if (Math.abs(east) > MAX_OFFSET_SECONDS) throw invalidValue(PARAM, raw, { detail: rangeDetail });
  return { display: offsetZoneName(east), ...etcZone(raw, east) };
}

/** Etc/GMT zones have the POSIX sign: Etc/GMT-2 is two hours east of UTC. */
function etcZone(raw: string, east: number): { iana: string; fixedOffsetSeconds: number } {
  const hours = east / 3600;
  if (!Number.isInteger(hours) || hours < ETC_MIN_HOURS || hours > ETC_MAX_HOURS) {
    throw unsupportedValue(PARAM, raw, 'Sirius supports fixed UTC offsets only in whole hours from -12 to +14; use a time zone name such as "Asia/Kolkata".');
  }
  const iana = hours === 0 ? 'Etc/GMT' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
  return { iana, fixedOffsetSeconds: east };
}

/** pg_tzset_offset's name for a fixed offset: `<+05:30>-05:30` (the POSIX part has the inverted sign). */
export function offsetZoneName(east: number): string {
  const abs = Math.abs(east);
  const h = Math.floor(abs / 3600);
  const m = Math.floor(abs / 60) % 60;
  const s = abs % 60;
  const off = pad2(h) + (s ? `:${pad2(m)}:${pad2(s)}` : m ? `:${pad2(m)}` : '');
  return east >= 0 ? `<+${off}>-${off}` : `<-${off}>+${off}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function fromInterval(raw: string, body: string): ResolvedZone {
  const iv = parseIntervalOut(body);
  if (!iv) throw invalidValue(PARAM, raw);
  if (iv.months) throw invalidValue(PARAM, raw, { detail: 'Cannot specify months in time zone interval.' });
  if (iv.days) throw invalidValue(PARAM, raw, { detail: 'Cannot specify days in time zone interval.' });
  return fixed(raw, Math.trunc(iv.seconds), 'UTC timezone offset is out of range.');
}

/** Link names Intl canonicalises away, kept with the spelling PostgreSQL's tz database shows. */
const KNOWN_LINKS = [
  'UTC', 'GMT', 'Etc/UTC', 'Etc/GMT', 'Etc/Universal', 'Etc/Zulu', 'Universal', 'Zulu', 'Greenwich',
  'US/Eastern', 'US/Central', 'US/Mountain', 'US/Pacific', 'US/Alaska', 'US/Hawaii', 'US/Arizona',
  'Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'Asia/Kathmandu', 'EST5EDT', 'CST6CDT', 'MST7MDT', 'PST8PDT',
];
let spellings: Map<string, string> | null = null;

function spellingOf(name: string): string | undefined {
  if (!spellings) {
    spellings = new Map();
    for (const z of [...Intl.supportedValuesOf('timeZone'), ...KNOWN_LINKS]) spellings.set(z.toLowerCase(), z);
  }
  return spellings.get(name.toLowerCase());
}

function ianaZone(value: string): ResolvedZone | null {
  // Intl also accepts offsets such as "+02:00" with the ISO sign; those are POSIX strings here.
  if (!/^[A-Za-z]/.test(value)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  const name = spellingOf(value) ?? value;
  // the UTC aliases (Etc/UTC, Zulu, …) stay DuckDB's default spelling, UTC
  return { display: name, iana: resolved === 'UTC' ? 'UTC' : name, fixedOffsetSeconds: null };
}

const UNIT_SECONDS: Record<string, number> = { hour: 3600, minute: 60, second: 1 };

/**
 * The subset of interval input that SET TIME ZONE INTERVAL needs: `[+-]hh:mm[:ss]`,
 * `N unit …` (years, months, days, hours, minutes, seconds), or a bare number
 * scaled by the leading field of the qualifier (`INTERVAL '2' HOUR`; seconds without one).
 */
export function parseIntervalLiteral(text: string, qualifierLead: string | null): Interval | null {
  const t = text.trim().toLowerCase();
  const clock = /^([+-]?)(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$/.exec(t);
  if (clock) {
    const secs = Number(clock[2]) * 3600 + Number(clock[3]) * 60 + Number(clock[4] ?? 0);
    return { months: 0, days: 0, seconds: clock[1] === '-' ? -secs : secs };
  }
  if (/^[+-]?\d+(\.\d+)?$/.test(t)) {
    const lead = qualifierLead ?? 'second';
    if (lead === 'year') return { months: Number(t) * 12, days: 0, seconds: 0 };
    if (lead === 'month') return { months: Number(t), days: 0, seconds: 0 };
    if (lead === 'day') return { months: 0, days: Number(t), seconds: 0 };
    return { months: 0, days: 0, seconds: Number(t) * (UNIT_SECONDS[lead] ?? 1) };
  }
  return parseUnitList(t);
}

const UNIT_ALIASES: [RegExp, keyof Interval, number][] = [
  [/^(y|yr|yrs|year|years)$/, 'months', 12],
  [/^(mon|mons|month|months)$/, 'months', 1],
  [/^(d|day|days)$/, 'days', 1],
  [/^(h|hr|hrs|hour|hours)$/, 'seconds', 3600],
  [/^(m|min|mins|minute|minutes)$/, 'seconds', 60],
  [/^(s|sec|secs|second|seconds)$/, 'seconds', 1],
];

function parseUnitList(t: string): Interval | null {
  const parts = t.split(/\s+/);
  if (parts.length % 2 !== 0 || parts.length === 0) return null;
  const iv: Interval = { months: 0, days: 0, seconds: 0 };
  for (let i = 0; i < parts.length; i += 2) {
    const n = Number(parts[i]);
    const unit = UNIT_ALIASES.find(([re]) => re.test(parts[i + 1]));
    if (!Number.isFinite(n) || !unit) return null;
    iv[unit[1]] += n * unit[2];
  }
  return iv;
}

/** interval_out in the postgres IntervalStyle: `1 mon 2 days 05:30:00`. */
export function intervalOut(iv: Interval): string {
  const parts: string[] = [];
  if (iv.months) parts.push(`${iv.months} mon${Math.abs(iv.months) === 1 ? '' : 's'}`);
  if (iv.days) parts.push(`${iv.days} day${Math.abs(iv.days) === 1 ? '' : 's'}`);
  if (iv.seconds || parts.length === 0) {
    const abs = Math.abs(iv.seconds);
    const clock = `${pad2(Math.floor(abs / 3600))}:${pad2(Math.floor(abs / 60) % 60)}:${pad2(Math.floor(abs % 60))}`;
    parts.push(iv.seconds < 0 ? `-${clock}` : clock);
  }
  return parts.join(' ');
}

function parseIntervalOut(body: string): Interval | null {
  const m = /^(?:(-?\d+) mons? ?)?(?:(-?\d+) days? ?)?(?:(-?)(\d+):(\d\d):(\d\d))?$/.exec(body.trim());
  if (!m || body.trim() === '') return null;
  const secs = Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0);
  return { months: Number(m[1] ?? 0), days: Number(m[2] ?? 0), seconds: m[3] === '-' ? -secs : secs };
}
