/**
 * STRUCT, MAP and UNION values (and anything nested inside them) as JSON text, sent as
 * PostgreSQL json. Values follow PostgreSQL's to_json: numbers and booleans bare, NaN and
 * infinities as strings, timestamps in ISO form ('T', offset with minutes), everything
 * else as a JSON string of its PostgreSQL text form, JSON-typed VARCHARs embedded as they
 * are. Objects are written compactly, like row_to_json: {"a":1,"b":"x"}.
 *
 * A MAP key is written as json_object_agg writes a key: the JSON of the key, kept when it is
 * a JSON string and otherwise made a string holding that JSON text ({"1":…}, {"true":…}). The
 * rule extends to the keys PostgreSQL refuses: a LIST, STRUCT or MAP key is its compact JSON
 * text ({"[1,2]":…}, {"{\"i\":10}":…}), a UNION key its active member's key, a JSON-typed
 * key its text. Clients get valid JSON whose keys parse back with JSON.parse where nested.
 */
import { DuckDBTypeId, type DuckDBMapType, type DuckDBStructType, type DuckDBType, type DuckDBUnionType } from '@duckdb/node-api';
import type { BufferWriter } from '../wire/writer.js';
import { writeAscii } from './ascii.js';
import type { Binder, Bound } from './bound.js';
import { quoteJsonString } from './escape.js';
import { float4Text, writeFloat8 } from './float.js';
import { isListType, ListSlices } from './lists.js';
import { isJsonAlias } from './mapping.js';
import { bytesOf, itemsOf, mapList, structEntries, unionStruct, validityBits } from './raw.js';
import { scalarTextBinder } from './scalar-text.js';
import type { ZoneOffsets } from './tz.js';

const NULL_BYTES = Buffer.from('null');

function writeRaw(w: BufferWriter, bytes: Uint8Array): void {
  w.ensure(bytes.length);
  w.buf.set(bytes, w.pos);
  w.pos += bytes.length;
}

/** Writes member `row` of `bound` as JSON, or null. */
function writeMember(bound: Bound, row: number, w: BufferWriter): void {
  const valid = bound.valid;
  if (valid !== null && (valid[row >> 3] & (1 << (row & 7))) === 0) writeRaw(w, NULL_BYTES);
  else bound.write(row, w);
}

/** `"name":` with the name JSON-escaped, computed once per type. */
function keyBytes(name: string): Buffer {
  return Buffer.from(`${JSON.stringify(name)}:`, 'utf8');
}

function structJson(t: DuckDBStructType, zone: ZoneOffsets): Binder {
  const keys = t.entryNames.map(keyBytes);
  const binders = t.entryTypes.map((e) => jsonBinder(e, zone));
  return (vector) => {
    const entries = structEntries(vector).map((child, i) => binders[i](child));
    return {
      valid: validityBits(vector),
      write(row: number, w: BufferWriter): void {
        w.ensure(1);
        w.buf[w.pos++] = 123; // {
        for (let i = 0; i < entries.length; i++) {
          if (i > 0) writeRaw(w, COMMA);
          writeRaw(w, keys[i]);
          writeMember(entries[i], row, w);
        }
        w.ensure(1);
        w.buf[w.pos++] = 125; // }
      },
    };
  };
}

const COMMA = Buffer.from(',');

const QUOTE = 34;

/** MAP → a JSON object; keys as the file comment says. */
function mapJson(t: DuckDBMapType, zone: ZoneOffsets): Binder {
  // A JSON-typed key is its text: JSON may start with a space, which the string test below
  // would take for a non-string and quote a second time.
  const keyJson = isJsonAlias(t.keyType) ? quoted(scalarTextBinder(t.keyType, zone, true)) : jsonBinder(t.keyType, zone);
  const valueJson = jsonBinder(t.valueType, zone);
  const listType = { typeId: DuckDBTypeId.LIST } as DuckDBType;
  return (vector) => {
    const slices = new ListSlices(mapList(vector), listType);
    const [keyVector, valueVector] = structEntries(slices.child);
    const keys = keyJson(keyVector);
    const values = valueJson(valueVector);
    return {
      valid: slices.valid,
      write(row: number, w: BufferWriter): void {
        const first = slices.offset(row);
        const end = first + slices.length(row);
        w.ensure(1);
        w.buf[w.pos++] = 123;
        for (let e = first; e < end; e++) {
          if (e > first) writeRaw(w, COMMA);
          const start = w.pos;
          // DuckDB refuses NULL map keys, so every key is a value (a UNION's NULL member writes null).
          keys.write(e, w);
          if (w.buf[start] !== QUOTE) quoteJsonString(w, start);
          w.ensure(1);
          w.buf[w.pos++] = 58; // :
          writeMember(values, e, w);
        }
        w.ensure(1);
        w.buf[w.pos++] = 125;
      },
    };
  };
}

/** UNION → the JSON of its active member. */
function unionJson(t: DuckDBUnionType, zone: ZoneOffsets): Binder {
  const binders = t.memberTypes.map((m) => jsonBinder(m, zone));
  return (vector) => {
    const struct = unionStruct(vector);
    const [tagVector, ...memberVectors] = structEntries(struct);
    const tags = itemsOf(tagVector, Uint8Array);
    const members = memberVectors.map((m, i) => binders[i](m));
    return {
      valid: validityBits(struct),
      write(row: number, w: BufferWriter): void {
        writeMember(members[tags[row]], row, w);
      },
    };
  };
}

function listJson(t: DuckDBType, zone: ZoneOffsets): Binder {
  if (!isListType(t)) throw new Error('listJson: not a list');
  const elementJson = jsonBinder(t.valueType, zone);
  return (vector) => {
    const slices = new ListSlices(vector, t);
    const elements = elementJson(slices.child);
    return {
      valid: slices.valid,
      write(row: number, w: BufferWriter): void {
        const first = slices.offset(row);
        const end = first + slices.length(row);
        w.ensure(1);
        w.buf[w.pos++] = 91; // [
        for (let e = first; e < end; e++) {
          if (e > first) writeRaw(w, COMMA);
          writeMember(elements, e, w);
        }
        w.ensure(1);
        w.buf[w.pos++] = 93; // ]
      },
    };
  };
}

const TRUE_BYTES = Buffer.from('true');
const FALSE_BYTES = Buffer.from('false');

const boolJson: Binder = (vector) => {
  const bytes = bytesOf(vector);
  return {
    valid: validityBits(vector),
    write(row: number, w: BufferWriter): void {
      writeRaw(w, bytes[row] !== 0 ? TRUE_BYTES : FALSE_BYTES);
    },
  };
};

function floatJson(double: boolean): Binder {
  return (vector) => {
    const items = double ? itemsOf(vector, Float64Array) : itemsOf(vector, Float32Array);
    return {
      valid: validityBits(vector),
      write(row: number, w: BufferWriter): void {
        const v = items[row];
        w.ensure(32);
        const start = w.pos;
        w.pos = double ? writeFloat8(w.buf, start, v) : writeAscii(w.buf, start, float4Text(v));
        if (!Number.isFinite(v)) quoteJsonString(w, start);
      },
    };
  };
}

/** Wraps a text writer so that its output becomes a JSON string. */
function quoted(inner: Binder): Binder {
  return (vector) => {
    const bound = inner(vector);
    return {
      valid: bound.valid,
      write(row: number, w: BufferWriter): void {
        const start = w.pos;
        bound.write(row, w);
        quoteJsonString(w, start);
      },
    };
  };
}

const BARE_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.DECIMAL, DuckDBTypeId.BIGNUM, DuckDBTypeId.SQLNULL,
]);

/** The JSON writer for any DuckDB type. */
export function jsonBinder(t: DuckDBType, zone: ZoneOffsets): Binder {
  switch (t.typeId) {
    case DuckDBTypeId.STRUCT: return structJson(t, zone);
    case DuckDBTypeId.MAP: return mapJson(t, zone);
    case DuckDBTypeId.UNION: return unionJson(t, zone);
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY: return listJson(t, zone);
    case DuckDBTypeId.BOOLEAN: return boolJson;
    case DuckDBTypeId.FLOAT: return floatJson(false);
    case DuckDBTypeId.DOUBLE: return floatJson(true);
  }
  if (BARE_TYPES.has(t.typeId) || isJsonAlias(t)) return scalarTextBinder(t, zone, true);
  return quoted(scalarTextBinder(t, zone, true));
}
