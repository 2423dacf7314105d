import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

/**
 * Value parsers and formatters for run-time parameters, following the rules of
 * PostgreSQL's guc.c (parse_bool, parse_int with units, enums, DateStyle), with
 * its error texts. https://www.postgresql.org/docs/15/config-setting.html
 */

/**
 * The canonical (SHOW) form of an accepted value, or a thrown PgError. `current`
 * is the value in effect, for parameters where a partial value keeps the rest (DateStyle).
 */
export type ValueCheck = (value: string, name: string, current: string) => string;

export function invalidValue(name: string, value: string, extra: { detail?: string; hint?: string } = {}): PgError {
  return new PgError(SqlState.InvalidParameterValue, `invalid value for parameter "${name}": "${value}"`, extra);
}

/** A value PostgreSQL accepts but Sirius cannot honour: refused rather than silently ignored. */
export function unsupportedValue(name: string, value: string, detail: string): PgError {
  return new PgError(SqlState.FeatureNotSupported, `invalid value for parameter "${name}": "${value}"`, { detail });
}

const TRUE_WORDS = ['true', 'yes', 'on'];
const FALSE_WORDS = ['false', 'no', 'off'];

/** parse_bool: true/false/yes/no/on/off/1/0 and unambiguous prefixes, any case. */
export function parseBool(raw: string): boolean | null {
  const v = raw.trim().toLowerCase();
  if (v === '1') return true;
  if (v === '0') return false;
  // "o" alone is ambiguous between on and off.
  if (v.length < 2 && v === 'o') return null;
  if (v.length > 0 && TRUE_WORDS.some((w) => w.startsWith(v) && (w !== 'on' || v.length >= 2))) return true;
  if (v.length > 0 && FALSE_WORDS.some((w) => w.startsWith(v) && (w !== 'off' || v.length >= 2))) return false;
  return null;
}

export const boolCheck: ValueCheck = (value, name) => {
  const b = parseBool(value);
  if (b === null) throw new PgError(SqlState.InvalidParameterValue, `parameter "${name}" requires a Boolean value`);
  return b ? 'on' : 'off';
};

/** Only one boolean value is supported; the other is refused with 0A000. */
export function onlyBool(expected: boolean, why: string): ValueCheck {
  return (value, name, current) => {
    const canonical = boolCheck(value, name, current);
    if ((canonical === 'on') !== expected) throw unsupportedValue(name, value, why);
    return canonical;
  };
}

export function enumCheck(allowed: readonly string[], supported: readonly string[] = allowed, why = ''): ValueCheck {
  return (value, name) => {
    const v = value.trim().toLowerCase();
    if (!allowed.includes(v)) {
      throw invalidValue(name, value, { hint: `Available values: ${allowed.join(', ')}.` });
    }
    if (!supported.includes(v)) throw unsupportedValue(name, value, why);
    return v;
  };
}

export interface UnitSystem {
  /** Unit name → size in the parameter's base unit. */
  units: Record<string, number>;
  /** Display order, largest first. */
  display: string[];
  hint: string;
}

export const TIME_MS: UnitSystem = {
  units: { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 },
  display: ['d', 'h', 'min', 's', 'ms'],
  hint: 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".',
};

export const MEMORY_KB: UnitSystem = {
  units: { B: 1 / 1024, kB: 1, MB: 1024, GB: 1024 ** 2, TB: 1024 ** 3 },
  display: ['TB', 'GB', 'MB', 'kB'],
  hint: 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".',
};

/** `5s`, `1 min`, `1.5s`, `500` (base unit): the value in base units, rounded as parse_int does. */
function parseWithUnit(raw: string, units: UnitSystem | null): { value: number } | { badUnit: boolean } {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)\s*$/.exec(raw);
  if (!m) return { badUnit: false };
  const n = Number(m[1]);
  if (!m[2]) return { value: Math.round(n) };
  const factor = units?.units[m[2]];
  if (factor === undefined) return { badUnit: units !== null };
  return { value: Math.round(n * factor) };
}

export function intCheck(min: number, max: number, units: UnitSystem | null = null): ValueCheck {
  return (value, name) => {
    const parsed = parseWithUnit(value, units);
    if (!('value' in parsed)) {
      throw invalidValue(name, value, parsed.badUnit && units ? { hint: units.hint } : {});
    }
    const v = parsed.value;
    if (v < min || v > max) {
      const unit = units ? ` ${units.display[units.display.length - 1]}` : '';
      throw new PgError(
        SqlState.InvalidParameterValue,
        `${v}${unit} is outside the valid range for parameter "${name}" (${min} .. ${max})`,
      );
    }
    return formatWithUnit(v, units);
  };
}

/** _ShowOption: the largest unit that represents the value exactly; 0 shows without a unit. */
export function formatWithUnit(v: number, units: UnitSystem | null): string {
  if (!units || v === 0) return String(v);
  for (const u of units.display) {
    const size = units.units[u];
    if (v % size === 0) return `${v / size}${u}`;
  }
  return String(v);
}

/** The value in the parameter's base unit (e.g. statement_timeout in ms) from its canonical form. */
export function baseUnits(canonical: string, units: UnitSystem): number {
  const parsed = parseWithUnit(canonical, units);
  if (!('value' in parsed)) throw new Error(`not a canonical value: ${canonical}`);
  return parsed.value;
}

export function realCheck(min: number, max: number): ValueCheck {
  return (value, name) => {
    const v = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(v)) throw invalidValue(name, value);
    if (v < min || v > max) {
      throw new PgError(SqlState.InvalidParameterValue, `${v} is outside the valid range for parameter "${name}" (${min} .. ${max})`);
    }
    return String(v);
  };
}

export const anyString: ValueCheck = (value) => value;

/** PostgreSQL keeps only printable ASCII in application_name, replacing each other byte (of UTF-8) with '?'. */
export const printableAscii: ValueCheck = (value) =>
  value.replace(/[^\x20-\x7e]/gu, (c) => {
    const cp = c.codePointAt(0)!;
    return '?'.repeat(cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
  });

/**
 * SplitIdentifierString (varlena.c) for a comma-separated list of identifiers such as search_path:
 * unquoted names are folded to lower case (ASCII letters only, as downcase_identifier), `"…"` keeps case with `""` for a quote; null when the
 * syntax is invalid. Like PostgreSQL it does not truncate to NAMEDATALEN: Sirius has no such limit.
 */
export function splitIdentifierList(value: string): string[] | null {
  const names: string[] = [];
  let i = skipSpace(value, 0);
  if (i === value.length) return names;
  for (;;) {
    let name: string;
    if (value[i] === '"') {
      name = '';
      for (i++; ; i += 2) {
        const end = value.indexOf('"', i);
        if (end < 0) return null;
        name += value.slice(i, end);
        i = end;
        if (value[end + 1] !== '"') break;
        name += '"';
      }
      i++;
    } else {
      const start = i;
      while (i < value.length && value[i] !== ',' && !isSpace(value[i])) i++;
      if (i === start) return null;
      name = value.slice(start, i).replace(/[A-Z]+/g, (m) => m.toLowerCase());
    }
    names.push(name);
    i = skipSpace(value, i);
    if (i === value.length) return names;
    if (value[i] !== ',') return null;
    i = skipSpace(value, i + 1);
  }
}

/** search_path is a list of schema names: it must split (the schemas need not exist, as in PostgreSQL). */
export const identifierListCheck: ValueCheck = (value, name) => {
  if (!splitIdentifierList(value)) throw invalidValue(name, value, { detail: 'List syntax is invalid.' });
  return value;
};

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

function skipSpace(s: string, i: number): number {
  while (isSpace(s[i])) i++;
  return i;
}
