/**
 * float4/float8 text output as PostgreSQL 15 prints it with extra_float_digits = 1 (the
 * default): the shortest digits that read back to the same value (Ryu), in fixed notation when
 * the decimal exponent is in [-4, 15) for float8 or [-4, 6) for float4, otherwise as
 * `d.ddde±XX` with at least two exponent digits. See float8out_internal and
 * double_to_shortest_decimal_buf in src/backend/utils/adt/float.c and src/common/d2s.c.
 *
 * JavaScript's Number#toString and #toExponential() also produce the shortest round-trip
 * digits, so only the layout differs.
 * https://www.postgresql.org/docs/15/datatype-numeric.html#DATATYPE-FLOAT
 */
import { writeAscii, writeInt } from './ascii.js';

/** Shortest digits and decimal exponent of a finite non-zero value: value = 0.d1d2… × 10^(exp+1). */
interface Decimal {
  negative: boolean;
  digits: string;
  exponent: number;
}

function parseExponential(s: string): Decimal {
  const negative = s.charCodeAt(0) === 45;
  const body = negative ? s.slice(1) : s;
  const e = body.indexOf('e');
  const mantissa = body.slice(0, e);
  return {
    negative,
    digits: mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa,
    exponent: Number(body.slice(e + 1)),
  };
}

/** Lays out shortest digits the way PostgreSQL does. */
function layout(d: Decimal, maxFixedExponent: number): string {
  const sign = d.negative ? '-' : '';
  const { digits, exponent } = d;
  if (exponent < -4 || exponent >= maxFixedExponent) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expAbs = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${expAbs < 10 ? '0' : ''}${expAbs}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

function special(v: number): string | undefined {
  if (v !== v) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return undefined;
}

/**
 * PostgreSQL's Ryu runs with acceptBounds = false: a decimal lying exactly on the boundary of
 * v's rounding interval is never chosen, where JavaScript (like strict Ryu) accepts it when
 * v's mantissa is even. A short decimal can only hit that boundary when the boundary is an
 * integer, i.e. |v| >= 2^(mantissa bits + 1), so only those values are checked, exactly, with
 * BigInt.
 */
function onBoundary(v: number, d: Decimal, mantissaBits: number): boolean {
  const abs = v < 0 ? -v : v;
  const shift = d.exponent - d.digits.length + 1;
  if (shift < 0) return false;
  let k = Math.floor(Math.log2(abs));
  if (2 ** k > abs) k--;
  else if (2 ** (k + 1) <= abs) k++;
  const spacing = 1n << BigInt(k - mantissaBits);
  const exact = BigInt(abs);
  const candidate = BigInt(d.digits) * 10n ** BigInt(shift);
  if (candidate > exact) return (candidate - exact) * 2n === spacing;
  if (candidate === exact) return false;
  const below = 2 ** k === abs ? spacing / 2n : spacing;
  return (exact - candidate) * 2n === below;
}

const TWO_53 = 2 ** 53;
const TWO_24 = 2 ** 24;

/** PostgreSQL's float8 text for v. */
export function float8Text(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  const abs = v < 0 ? -v : v;
  // In this range JavaScript prints the same digits in fixed notation, as PostgreSQL does.
  if (abs >= 1e-4 && abs < 1e15) return String(v);
  let d = parseExponential(v.toExponential());
  if (abs >= TWO_53 && onBoundary(v, d, 52)) {
    for (let precision = d.digits.length + 1; precision <= 17; precision++) {
      const next = parseExponential(v.toExponential(precision - 1));
      if (!onBoundary(v, next, 52)) {
        d = next;
        break;
      }
    }
  }
  return layout(d, 15);
}

/**
 * Whether the float32 v lies exactly halfway between two `precision`-digit decimals. Ryu then
 * rounds to even, where toExponential rounds up.
 */
function isDecimalTie(v: number, precision: number): boolean {
  const longer = v.toExponential(precision);
  if (longer.charCodeAt(longer.indexOf('e') - 1) !== 53) return false; // '5'
  const d = parseExponential(longer);
  const f32 = new Float32Array([v < 0 ? -v : v]);
  const bits = new Uint32Array(f32.buffer)[0];
  const exponentBits = bits >>> 23;
  const mantissa = BigInt(exponentBits === 0 ? (bits & 0x7fffff) * 2 : (bits & 0x7fffff) | 0x800000);
  const binaryExponent = (exponentBits === 0 ? 1 : exponentBits) - 150;
  // v = mantissa × 2^binaryExponent; candidate = digits × 10^decimalShift.
  const decimalShift = d.exponent - d.digits.length + 1;
  let left = mantissa;
  let right = BigInt(d.digits);
  if (binaryExponent >= 0) left <<= BigInt(binaryExponent);
  else right <<= BigInt(-binaryExponent);
  if (decimalShift >= 0) right *= 10n ** BigInt(decimalShift);
  else left *= 10n ** BigInt(-decimalShift);
  return left === right;
}

/** PostgreSQL's float4 text for v (a value already rounded to float32). */
export function float4Text(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  const abs = v < 0 ? -v : v;
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = v.toExponential(precision - 1);
    if (Math.fround(Number(candidate)) !== v) continue;
    let d = parseExponential(candidate);
    if (abs >= TWO_24 && onBoundary(v, d, 23)) continue;
    if ((d.digits.charCodeAt(d.digits.length - 1) & 1) === 1 && isDecimalTie(v, precision)) {
      // toExponential rounded the tie up to an odd digit; the even neighbour is the truncation.
      const truncated = parseExponential(v.toExponential(precision)).digits.slice(0, precision);
      const lower: Decimal = { negative: d.negative, digits: truncated, exponent: d.exponent };
      if (truncated.length === precision && Math.fround(Number(`${d.negative ? '-' : ''}${truncated[0]}.${truncated.slice(1)}e${d.exponent}`)) === v) d = lower;
    }
    return layout(d, 6);
  }
  // Nine significant digits always identify a float32 (FLT_DECIMAL_DIG).
  throw new Error(`float4Text: no round-trip representation for ${v}`);
}

/** Writes float8 text at pos; integers below 1e15 skip the string round trip. */
export function writeFloat8(buf: Uint8Array, pos: number, v: number): number {
  if (Number.isInteger(v) && v < 1e15 && v > -1e15 && v !== 0) return writeInt(buf, pos, v);
  return writeAscii(buf, pos, float8Text(v));
}
