/**
 * numeric text and binary forms, built from an exact scaled integer (DECIMAL's storage, or a
 * HUGEINT / UBIGINT / BIGNUM with scale 0).
 *
 * Binary layout (numeric_send in src/backend/utils/adt/numeric.c): int16 ndigits, int16
 * weight, int16 sign, int16 dscale, then ndigits int16 base-10000 digits; value =
 * Σ digit[i] × 10000^(weight - i). Leading and trailing zero digits are stripped, and zero has
 * no digits and weight 0.
 */
import type { BufferWriter } from '../wire/writer.js';
import { CH_DOT, CH_MINUS, writeAscii } from './ascii.js';

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;

/** Splits |scaled| into its decimal digits (no sign) as a string. */
export function absDigits(scaled: number | bigint): string {
  return String(scaled < 0 ? -scaled : scaled);
}

/** Writes the text of (sign, digits × 10^-scale) with exactly `scale` fraction digits. */
export function writeDecimalText(buf: Uint8Array, pos: number, negative: boolean, digits: string, scale: number): number {
  if (negative && digits !== '0') buf[pos++] = CH_MINUS;
  if (scale === 0) return writeAscii(buf, pos, digits);
  const padded = digits.length <= scale ? '0'.repeat(scale - digits.length + 1) + digits : digits;
  const point = padded.length - scale;
  pos = writeAscii(buf, pos, padded.slice(0, point));
  buf[pos++] = CH_DOT;
  return writeAscii(buf, pos, padded.slice(point));
}

/** Bytes needed by writeDecimalText. */
export function decimalTextLength(digits: string, scale: number): number {
  return Math.max(digits.length, scale + 1) + 2;
}

/** Writes the numeric binary value (without length word) of (sign, digits × 10^-scale). */
export function writeNumericBinary(w: BufferWriter, negative: boolean, digits: string, scale: number): void {
  const intLen = digits.length - scale;
  // Align the digit string on base-10000 boundaries around the decimal point.
  const leadPad = intLen > 0 ? (4 - (intLen % 4)) % 4 : 0;
  const fracLen = scale;
  const trailPad = (4 - (fracLen % 4)) % 4;
  const aligned = '0'.repeat(leadPad) + (intLen < 0 ? '0'.repeat(-intLen) : '') + digits + '0'.repeat(trailPad);
  let weight = intLen > 0 ? (intLen + leadPad) / 4 - 1 : -1;
  const groups: number[] = [];
  for (let i = 0; i < aligned.length; i += 4) groups.push(Number(aligned.slice(i, i + 4)));
  let first = 0;
  while (first < groups.length && groups[first] === 0) {
    first++;
    weight--;
  }
  let last = groups.length;
  while (last > first && groups[last - 1] === 0) last--;
  const ndigits = last - first;
  w.ensure(8 + 2 * ndigits);
  w.i16(ndigits);
  w.i16(ndigits === 0 ? 0 : weight);
  w.i16(negative && ndigits > 0 ? NUMERIC_NEG : NUMERIC_POS);
  w.i16(scale);
  for (let i = first; i < last; i++) w.i16(groups[i]);
}
