/**
 * In-place quoting of a value just written at [start, w.pos): array elements (array_out's
 * rules) and JSON strings (escape_json's rules). Writing first and quoting only when needed
 * keeps the common case (numbers, plain words) free of copies.
 */
import type { BufferWriter } from '../wire/writer.js';

const QUOTE = 34;
const BACKSLASH = 92;

/** Bytes that force array_out to quote an element: {}",\ and array_isspace(). */
const ARRAY_SPECIAL = new Uint8Array(256);
for (const c of '{}",\\ \t\n\r\v\f') ARRAY_SPECIAL[c.charCodeAt(0)] = 1;

function isNullWord(buf: Uint8Array, start: number): boolean {
  return (buf[start] | 0x20) === 110 && (buf[start + 1] | 0x20) === 117 && (buf[start + 2] | 0x20) === 108 && (buf[start + 3] | 0x20) === 108;
}

/**
 * Quotes the array element written at [start, w.pos) when PostgreSQL would: empty, the word
 * NULL in any case, or containing a special byte; `"` and `\` are backslash-escaped.
 */
export function quoteArrayElement(w: BufferWriter, start: number): void {
  let buf = w.buf;
  const end = w.pos;
  const len = end - start;
  let needs = len === 0 || (len === 4 && isNullWord(buf, start));
  let extra = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (ARRAY_SPECIAL[c] === 1) {
      needs = true;
      if (c === QUOTE || c === BACKSLASH) extra++;
    }
  }
  if (!needs) return;
  w.ensure(extra + 2);
  buf = w.buf;
  let dst = end + extra + 1;
  buf[dst--] = QUOTE;
  for (let src = end - 1; src >= start; src--) {
    const c = buf[src];
    buf[dst--] = c;
    if (c === QUOTE || c === BACKSLASH) buf[dst--] = BACKSLASH;
  }
  buf[start] = QUOTE;
  w.pos = end + extra + 2;
}

/** Extra bytes each byte needs inside a JSON string (escape_json in src/backend/utils/adt/json.c). */
const JSON_EXTRA = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) JSON_EXTRA[c] = 5; // \u00XX
for (const c of '\b\f\n\r\t"\\') JSON_EXTRA[c.charCodeAt(0)] = 1;
const JSON_SHORT: Record<number, number> = { 8: 98, 12: 102, 10: 110, 13: 114, 9: 116, 34: 34, 92: 92 };
const HEX_DIGITS = '0123456789abcdef';

/** Turns the text written at [start, w.pos) into a JSON string literal. */
export function quoteJsonString(w: BufferWriter, start: number): void {
  let buf = w.buf;
  const end = w.pos;
  let extra = 0;
  for (let i = start; i < end; i++) extra += JSON_EXTRA[buf[i]];
  w.ensure(extra + 2);
  buf = w.buf;
  let dst = end + extra + 1;
  buf[dst--] = QUOTE;
  if (extra === 0) {
    buf.copyWithin(start + 1, start, end);
  } else {
    for (let src = end - 1; src >= start; src--) {
      const c = buf[src];
      const n = JSON_EXTRA[c];
      if (n === 0) {
        buf[dst--] = c;
      } else if (n === 1) {
        buf[dst--] = JSON_SHORT[c];
        buf[dst--] = BACKSLASH;
      } else {
        buf[dst--] = HEX_DIGITS.charCodeAt(c & 15);
        buf[dst--] = HEX_DIGITS.charCodeAt(c >> 4);
        buf[dst--] = 48;
        buf[dst--] = 48;
        buf[dst--] = 117; // u
        buf[dst--] = BACKSLASH;
      }
    }
  }
  buf[start] = QUOTE;
  w.pos = end + extra + 2;
}
