/**
 * PostgreSQL text input forms that DuckDB's VARCHAR casts read differently or not at all.
 * Everything else in a text parameter is bound as VARCHAR and cast by DuckDB, whose error is
 * then the client's error.
 *
 * - boolean: boolin accepts any prefix of true/false/yes/no, on/off, 1/0, with whitespace;
 * - integers and floats: DuckDB rounds '5.5' into an integer and accepts '1_000';
 *   PostgreSQL 15 rejects both;
 * - bytea: the hex form `\x0a0b` and the escape form `a\\b\001`;
 * - dates and timestamps with a trailing ` BC`, which DuckDB silently ignores;
 * - arrays: `{1,2,"a b",NULL}` (DuckDB reads `[1, 2, "a b", NULL]`).
 * Intervals are in interval-text.ts.
 */
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

export function invalidText(typeName: string, text: string): PgError {
  return new PgError(SqlState.InvalidTextRepresentation, `invalid input syntax for type ${typeName}: "${text}"`);
}

const TRUE_WORDS = ['true', 'yes', 'on', '1'];
const FALSE_WORDS = ['false', 'no', 'off', '0'];

/** boolin / parse_bool_with_len: a unique prefix of the words, "on"/"off" need two letters. */
export function parseBool(text: string): boolean {
  const s = text.trim().toLowerCase();
  if (s.length > 0) {
    const minimum = s[0] === 'o' ? 2 : 1;
    if (s.length >= minimum) {
      if (TRUE_WORDS.some((w) => w.startsWith(s) && (w.length > 1 || s === w))) return true;
      if (FALSE_WORDS.some((w) => w.startsWith(s) && (w.length > 1 || s === w))) return false;
    }
  }
  throw invalidText('boolean', text);
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

/** int2in/int4in/int8in: optional whitespace and sign, then decimal digits. */
export function parseInteger(text: string, typeName: 'smallint' | 'integer' | 'bigint'): bigint {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw invalidText(typeName, text);
  const v = BigInt(text.trim());
  const [min, max] = INT_RANGES[typeName];
  if (v < min || v > max) throw new PgError(SqlState.NumericValueOutOfRange, `value "${text}" is out of range for type ${typeName}`);
  return v;
}

const FLOAT_SYNTAX = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const FLOAT_SPECIAL: Record<string, number> = {
  nan: Number.NaN, '+nan': Number.NaN, '-nan': Number.NaN,
  infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity, inf: Infinity, '+inf': Infinity, '-inf': -Infinity,
};

/** float4in/float8in: decimal or exponent syntax, NaN, [+-]Infinity, [+-]inf. */
export function parseFloat8(text: string, typeName: 'real' | 'double precision'): number {
  const special = FLOAT_SPECIAL[text.trim().toLowerCase()];
  if (special !== undefined) return special;
  if (!FLOAT_SYNTAX.test(text)) throw invalidText(typeName, text);
  const v = Number(text.trim());
  const limit = typeName === 'real' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  if (!Number.isFinite(v) || Math.abs(v) > limit) {
    throw new PgError(SqlState.NumericValueOutOfRange, `"${text}" is out of range for type ${typeName}`);
  }
  return v;
}

/** byteain: `\x` + hex pairs (whitespace between pairs allowed), or the escape format. */
export function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) {
    const hex = text.slice(2).replace(/\s+/g, '');
    const bad = /[^0-9a-fA-F]/.exec(hex);
    if (bad) throw new PgError(SqlState.InvalidParameterValue, `invalid hexadecimal digit: "${bad[0]}"`);
    if (hex.length % 2 !== 0) throw new PgError(SqlState.InvalidParameterValue, 'invalid hexadecimal data: odd number of digits');
    return Buffer.from(hex, 'hex');
  }
  const out: number[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c !== 92) {
      const bytes = Buffer.from(text[i] === undefined ? '' : String.fromCodePoint(text.codePointAt(i)!), 'utf8');
      out.push(...bytes);
      i += (text.codePointAt(i)! > 0xffff) ? 2 : 1;
    } else if (text[i + 1] === '\\') {
      out.push(92);
      i += 2;
    } else if (/^[0-3][0-7][0-7]$/.test(text.slice(i + 1, i + 4))) {
      out.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 4;
    } else {
      // byteain's message for the escape format does not quote the value.
      throw new PgError(SqlState.InvalidTextRepresentation, 'invalid input syntax for type bytea');
    }
  }
  return Uint8Array.from(out);
}

const BC_SUFFIX = /\s+BC\s*$/i;
const AD_SUFFIX = /\s+AD\s*$/i;

/**
 * Rewrites PostgreSQL's `0044-03-15 [time] BC` into DuckDB's astronomical year `-0043-03-15`
 * (year N BC is year 1 - N). Other text is returned unchanged.
 */
export function rewriteEra(text: string): string {
  if (AD_SUFFIX.test(text)) return text.replace(AD_SUFFIX, '');
  if (!BC_SUFFIX.test(text)) return text;
  const body = text.replace(BC_SUFFIX, '').trimStart();
  const m = /^(\d+)(-.*)$/s.exec(body);
  if (!m) return text;
  const year = 1 - Number(m[1]);
  return `${year < 0 ? '-' : ''}${String(Math.abs(year)).padStart(4, '0')}${m[2]}`;
}

type ArrayItem = string | null | ArrayItem[];

class ArrayCursor {
  pos = 0;
  constructor(readonly s: string, readonly text: string) {}

  fail(): PgError {
    return new PgError(SqlState.InvalidTextRepresentation, `malformed array literal: "${this.text}"`);
  }

  skipSpace(): void {
    while (/\s/.test(this.s[this.pos] ?? '')) this.pos++;
  }

  list(): ArrayItem[] {
    if (this.s[this.pos] !== '{') throw this.fail();
    this.pos++;
    const items: ArrayItem[] = [];
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === '}' && items.length === 0) {
        this.pos++;
        return items;
      }
      items.push(this.s[this.pos] === '{' ? this.list() : this.element());
      this.skipSpace();
      const c = this.s[this.pos++];
      if (c === '}') return items;
      if (c !== ',') throw this.fail();
    }
  }

  element(): string | null {
    const s = this.s;
    let out = '';
    if (s[this.pos] === '"') {
      for (this.pos++; s[this.pos] !== '"'; this.pos++) {
        if (this.pos >= s.length) throw this.fail();
        if (s[this.pos] === '\\') this.pos++;
        out += s[this.pos];
      }
      this.pos++;
      return out;
    }
    while (this.pos < s.length && s[this.pos] !== ',' && s[this.pos] !== '}') {
      if (s[this.pos] === '"' || s[this.pos] === '{') throw this.fail();
      if (s[this.pos] === '\\') this.pos++;
      out += s[this.pos++];
    }
    out = out.trim();
    if (out === '') throw this.fail();
    return out.toUpperCase() === 'NULL' ? null : out;
  }
}

/**
 * Parses an array literal (array_in): `{a,"b c",NULL,{1,2}}`, with an optional leading
 * dimension decoration `[1:2]=`. Unquoted elements are trimmed; unquoted NULL is SQL NULL.
 */
export function parseArrayLiteral(text: string): ArrayItem[] {
  let s = text.trim();
  const decoration = /^(\[\s*-?\d+\s*:\s*-?\d+\s*\])+\s*=\s*/.exec(s);
  if (decoration) s = s.slice(decoration[0].length);
  const cursor = new ArrayCursor(s, text);
  const items = cursor.list();
  if (s.slice(cursor.pos).trim() !== '') throw cursor.fail();
  return items;
}

/** The DuckDB list literal DuckDB's VARCHAR → LIST cast reads back as the same elements. */
export function duckListLiteral(items: ArrayItem[], mapElement: (s: string) => string = (s) => s): string {
  const parts = items.map((item) => {
    if (item === null) return 'NULL';
    if (Array.isArray(item)) return duckListLiteral(item, mapElement);
    return `"${mapElement(item).replace(/["\\]/g, (c) => `\\${c}`)}"`;
  });
  return `[${parts.join(', ')}]`;
}
