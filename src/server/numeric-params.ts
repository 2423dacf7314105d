import { Oid } from '../pgtypes/oids.js';
import { decodeUtf8 } from '../pgtypes/param-binary.js';
import { NUMERIC_PARAM_PRECISION, withNumericScales } from '../sql/numeric-param-casts.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { BindValues } from './instance-params.js';

/**
 * Execute of a statement with `$n::numeric` casts (sql/numeric-param-casts.ts): each cast gets
 * the scale PostgreSQL's numeric_in would give the bound value, so 1.25 stays 1.25 and 1.250
 * stays 1.250. A value DECIMAL(38, s) cannot hold is 22003, as numeric(38, s) is in PostgreSQL.
 */
export function bindNumericScales(duckSql: string, values: BindValues, bindOrder: readonly number[] | null): string {
  return withNumericScales(duckSql, (k) => {
    const i = bindOrder ? bindOrder[k - 1] : k - 1;
    if (i === undefined || i >= values.params.length) throw new PgError(SqlState.UndefinedParameter, `there is no parameter $${(i ?? k - 1) + 1}`);
    return valueScale(values.params[i], values.formats[i], values.oids[i] ?? 0, i + 1);
  });
}

const INTEGER_OIDS = new Set<number>([Oid.int2, Oid.int4, Oid.int8, Oid.oid]);
const NUMERIC_TEXT_OIDS = new Set<number>([0, Oid.numeric, Oid.text, Oid.varchar, Oid.bpchar, Oid.name, Oid.unknown]);

function valueScale(value: Buffer | null, format: 0 | 1, oid: number, n: number): number {
  // NULL fits any scale, and other types fail in DuckDB's cast as they would without the rewrite
  if (value === null || INTEGER_OIDS.has(oid)) return 0;
  if (oid === Oid.float4 || oid === Oid.float8) {
    const v = format === 1 ? binaryFloat(value, oid) : Number(decodeUtf8(value).trim());
    return floatScale(v, oid === Oid.float4 ? FLT_DIG : DBL_DIG, n);
  }
  if (format === 1) {
    // numeric_send's dscale; a malformed value is reported by bindParam, which decodes it
    return oid === Oid.numeric && value.length >= 8 ? Math.max(0, value.readInt16BE(6)) : 0;
  }
  return NUMERIC_TEXT_OIDS.has(oid) ? numericTextScale(decodeUtf8(value), n) : 0;
}

const NUMERIC_TEXT = /^\s*[+-]?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?\s*$/i;
const NOT_FINITE = /^\s*[+-]?(nan|inf|infinity)\s*$/i;

/** numeric_in's display scale for this text (digits after the point, less the exponent). */
export function numericTextScale(text: string, n: number): number {
  const m = NUMERIC_TEXT.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) {
    if (NOT_FINITE.test(text)) {
      throw new PgError(SqlState.FeatureNotSupported, 'numeric NaN and infinity cannot be used as parameters: DuckDB DECIMAL has no such values');
    }
    throw new PgError(SqlState.InvalidTextRepresentation, `invalid input syntax for type numeric: "${text}"`);
  }
  const [, whole, fraction = '', exponentText = '0'] = m;
  const exponent = Number(exponentText);
  const digits = whole + fraction;
  const leadingZeros = digits.length - digits.replace(/^0+/, '').length;
  const scale = Math.max(0, fraction.length - exponent);
  const integerDigits = leadingZeros === digits.length ? 0 : Math.max(0, whole.length + exponent - leadingZeros);
  if (integerDigits + scale > NUMERIC_PARAM_PRECISION) {
    throw new PgError(SqlState.NumericValueOutOfRange, 'numeric field overflow', {
      detail: `Parameter $${n} has ${integerDigits} digits before the decimal point and ${scale} after it; ` +
        `DuckDB's DECIMAL holds at most ${NUMERIC_PARAM_PRECISION} digits in all.`,
    });
  }
  return scale;
}

/** float4_numeric / float8_numeric print the value with FLT_DIG / DBL_DIG significant digits (`%.*g`) and read that. */
const FLT_DIG = 6;
const DBL_DIG = 15;

function floatScale(v: number, digits: number, n: number): number {
  // NaN and infinity fail in DuckDB's cast to DECIMAL, as in PostgreSQL's
  if (!Number.isFinite(v)) return 0;
  const [mantissa, exponent = '0'] = v.toPrecision(digits).split('e');
  // %g drops the trailing zeros toPrecision keeps
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return numericTextScale(`${trimmed}e${exponent}`, n);
}

function binaryFloat(value: Buffer, oid: number): number {
  if (oid === Oid.float4) return value.length === 4 ? value.readFloatBE(0) : NaN;
  return value.length === 8 ? value.readDoubleBE(0) : NaN;
}
