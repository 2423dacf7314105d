/**
 * Text-format (format code 0) writers for any DuckDB type: scalars (scalar-text.ts), LIST and
 * ARRAY as PostgreSQL array literals, STRUCT / MAP / UNION as JSON (json.ts).
 * Array output: https://www.postgresql.org/docs/15/arrays.html#ARRAYS-IO
 */
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { BufferWriter } from '../wire/writer.js';
import type { Binder } from './bound.js';
import { quoteArrayElement } from './escape.js';
import { jsonBinder } from './json.js';
import { isListType, ListSlices } from './lists.js';
import { scalarTextBinder } from './scalar-text.js';
import { ZoneOffsets } from './tz.js';

const zones = new Map<string, ZoneOffsets>();

/** One offset cache per zone name, shared by every column and session that uses it. */
export function zoneOffsets(timeZone: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    zone = new ZoneOffsets(timeZone);
    if (zones.size > 256) zones.clear();
    zones.set(timeZone, zone);
  }
  return zone;
}

const NULL_WORD = Buffer.from('NULL');

/**
 * array_out's form: `{1,2,NULL}`, nested lists as `{{1,2},{3,4}}`, elements quoted when
 * needed (escape.ts). A NULL inner list prints as NULL (PostgreSQL has no such value, but it
 * is the honest rendering of DuckDB's).
 */
function arrayText(t: DuckDBType, zone: ZoneOffsets): Binder {
  if (!isListType(t)) throw new Error('arrayText: not a list');
  const elementType = t.valueType;
  const nested = isListType(elementType);
  const elementBinder = elementBinderFor(elementType, zone);
  return (vector) => {
    const slices = new ListSlices(vector, t);
    const elements = elementBinder(slices.child);
    const valid = elements.valid;
    return {
      valid: slices.valid,
      write(row: number, w: BufferWriter): void {
        const first = slices.offset(row);
        const end = first + slices.length(row);
        w.ensure(2);
        w.buf[w.pos++] = 123; // {
        for (let e = first; e < end; e++) {
          if (e > first) {
            w.ensure(1);
            w.buf[w.pos++] = 44; // ,
          }
          if (valid !== null && (valid[e >> 3] & (1 << (e & 7))) === 0) {
            w.ensure(4);
            w.buf.set(NULL_WORD, w.pos);
            w.pos += 4;
            continue;
          }
          const start = w.pos;
          elements.write(e, w);
          if (!nested) quoteArrayElement(w, start);
        }
        w.ensure(1);
        w.buf[w.pos++] = 125; // }
      },
    };
  };
}

function elementBinderFor(t: DuckDBType, zone: ZoneOffsets): Binder {
  if (isListType(t)) return arrayText(t, zone);
  if (t.typeId === DuckDBTypeId.STRUCT || t.typeId === DuckDBTypeId.MAP || t.typeId === DuckDBTypeId.UNION) return jsonBinder(t, zone);
  return scalarTextBinder(t, zone, false);
}

/** The text writer of a column of type `t`. */
export function textBinder(t: DuckDBType, zone: ZoneOffsets): Binder {
  return elementBinderFor(t, zone);
}
