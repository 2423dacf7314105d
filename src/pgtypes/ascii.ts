/**
 * Writing ASCII numbers straight into a byte buffer: the encoders never build a JS string for
 * a number they can print digit by digit.
 */

/** "00".."99" as byte pairs. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + Math.floor(i / 10);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

export const CH_MINUS = 45;
export const CH_PLUS = 43;
export const CH_COLON = 58;
export const CH_DOT = 46;
export const CH_SPACE = 32;
export const CH_0 = 48;

/** Number of decimal digits of a non-negative integer below 2^53. */
export function digitCount(n: number): number {
  if (n < 100000) {
    if (n < 100) return n < 10 ? 1 : 2;
    if (n < 1000) return 3;
    return n < 10000 ? 4 : 5;
  }
  if (n < 10000000000) {
    if (n < 10000000) return n < 1000000 ? 6 : 7;
    if (n < 100000000) return 8;
    return n < 1000000000 ? 9 : 10;
  }
  let d = 11;
  let limit = 100000000000;
  while (n >= limit) {
    d++;
    limit *= 10;
  }
  return d;
}

/** Writes a non-negative integer (< 2^53) at pos, returns the position after it. */
export function writeUint(buf: Uint8Array, pos: number, n: number): number {
  return writeUintDigits(buf, pos, n, digitCount(n));
}

/** writeUint when the caller already knows digitCount(n). */
export function writeUintDigits(buf: Uint8Array, pos: number, n: number, digits: number): number {
  const end = pos + digits;
  let p = end;
  while (n >= 100) {
    const q = Math.floor(n / 100);
    const r = (n - q * 100) << 1;
    buf[--p] = PAIRS[r + 1];
    buf[--p] = PAIRS[r];
    n = q;
  }
  if (n >= 10) {
    const r = n << 1;
    buf[--p] = PAIRS[r + 1];
    buf[--p] = PAIRS[r];
  } else {
    buf[--p] = 48 + n;
  }
  return end;
}

/** Writes a signed integer (|n| < 2^53). */
export function writeInt(buf: Uint8Array, pos: number, n: number): number {
  if (n < 0) {
    buf[pos++] = CH_MINUS;
    n = -n;
  }
  return writeUint(buf, pos, n);
}

/** Writes exactly two digits (0..99). */
export function write2(buf: Uint8Array, pos: number, n: number): number {
  const r = n << 1;
  buf[pos] = PAIRS[r];
  buf[pos + 1] = PAIRS[r + 1];
  return pos + 2;
}

/** Writes n zero-padded to at least `width` digits. */
export function writeUintPadded(buf: Uint8Array, pos: number, n: number, width: number): number {
  for (let d = digitCount(n); d < width; d++) buf[pos++] = CH_0;
  return writeUint(buf, pos, n);
}

/**
 * Writes a microsecond fraction (0 < us < 1e6) as ".ddd" with trailing zeros removed, the
 * way PostgreSQL prints fractional seconds.
 */
export function writeMicrosFraction(buf: Uint8Array, pos: number, us: number): number {
  let digits = 6;
  while (us % 10 === 0) {
    us /= 10;
    digits--;
  }
  buf[pos++] = CH_DOT;
  const end = pos + digits;
  for (let p = end - 1; p >= pos; p--) {
    const q = Math.floor(us / 10);
    buf[p] = 48 + (us - q * 10);
    us = q;
  }
  return end;
}

/** Writes an ASCII string (no multi-byte characters). */
export function writeAscii(buf: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}
