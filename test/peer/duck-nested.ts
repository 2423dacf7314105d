/**
 * Nested values: PostgreSQL array literals (`{1,"a b",NULL}`, Sirius's LIST/ARRAY form) and
 * JSON (Sirius's STRUCT/MAP/UNION form) → DuckDB's rendering (`[1, a b, NULL]`,
 * `{'a': 1}`, `{k=v}`). JSON loses DuckDB types, so it is read against the column's DuckDB
 * type (from DESCRIBE).
 */
import type { DuckType } from './duck-type.js';
import { PgOid, UnconvertibleValue, byteaToDuck, dateTimeToDuck, floatToDuck, intervalToDuck, scalarToDuck, timestamptzToDuck } from './duck-scalar.js';
import { type JsonNode, readJson } from './json-tree.js';

export type PgArray = (string | null | PgArray)[];

/** DuckDB quotes a nested string when it would not read back: specials, NULL, edge spaces. */
export function quoteNested(s: string): string {
  const needs = s.length === 0 || s.toLowerCase() === 'null' || /["'(),:=[\]{}]/.test(s) || /^[ \t\n\v\f\r]|[ \t\n\v\f\r]$/.test(s);
  return needs ? `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'` : s;
}

/** PostgreSQL's array_out syntax, including Sirius's ragged nesting (`{{1},{2,3}}`). */
export function parsePgArray(text: string): PgArray {
  let pos = 0;
  const fail = (why: string): never => {
    throw new UnconvertibleValue(`not a PostgreSQL array (${why} at ${pos}): ${text}`);
  };
  const element = (): string | null | PgArray => {
    if (text[pos] === '{') return list();
    if (text[pos] === '"') {
      let s = '';
      for (pos++; pos < text.length && text[pos] !== '"'; pos++) s += text[pos] === '\\' ? text[++pos] : text[pos];
      if (text[pos++] !== '"') fail('unterminated quote');
      return s;
    }
    const start = pos;
    while (pos < text.length && text[pos] !== ',' && text[pos] !== '}') pos++;
    const word = text.slice(start, pos);
    if (word.length === 0) fail('empty element');
    return word.toUpperCase() === 'NULL' ? null : word;
  };
  const list = (): PgArray => {
    if (text[pos++] !== '{') fail("expected '{'");
    const items: PgArray = [];
    if (text[pos] === '}') {
      pos++;
      return items;
    }
    for (;;) {
      items.push(element());
      const c = text[pos++];
      if (c === '}') return items;
      if (c !== ',') fail("expected ',' or '}'");
    }
  };
  const result = list();
  if (pos !== text.length) fail('trailing text');
  return result;
}

/** Element renderer of a PostgreSQL array: by element OID, or by DuckDB type when known. */
export type ElementRenderer = (text: string) => string;

export function pgArrayToDuck(text: string, renderElement: ElementRenderer): string {
  const render = (items: PgArray): string =>
    `[${items.map((e) => (e === null ? 'NULL' : Array.isArray(e) ? render(e) : renderElement(e))).join(', ')}]`;
  return render(parsePgArray(text));
}

/** The renderer of scalar array elements of PostgreSQL type `elementOid`. */
export function scalarElementRenderer(elementOid: number): ElementRenderer {
  return (text) => quoteNested(scalarToDuck(text, elementOid, true));
}

/** The PostgreSQL type whose text conversion a DuckDB scalar type needs. */
function pgOidOfDuckScalar(name: string): number {
  if (name === 'BOOLEAN') return PgOid.bool;
  if (name === 'FLOAT' || name === 'DOUBLE') return PgOid.float8;
  if (name === 'DATE') return PgOid.date;
  if (name === 'TIMESTAMP WITH TIME ZONE') return PgOid.timestamptz;
  if (name.startsWith('TIMESTAMP')) return PgOid.timestamp;
  if (name === 'INTERVAL') return PgOid.interval;
  if (name === 'BLOB') return PgOid.bytea;
  return 0;
}

/** ISO (`2020-01-01T10:00:00+05:30`, to_json's form) → PostgreSQL text form. */
function isoToPg(text: string): string {
  const m = /^(-?\d{4,}-\d\d-\d\d)T(\d\d:\d\d:\d\d(?:\.\d+)?)(?:([+-]\d\d)(?::(\d\d))?(?::(\d\d))?)?(.*)$/.exec(text);
  if (m === null) return text;
  const [, date, time, hours, minutes, seconds, rest] = m;
  let offset = hours ?? '';
  if (minutes !== undefined && (minutes !== '00' || (seconds !== undefined && seconds !== '00'))) offset += `:${minutes}`;
  if (seconds !== undefined && seconds !== '00') offset += `:${seconds}`;
  return `${date} ${time}${offset}${rest}`;
}

/** A DuckDB scalar of type `name`, as JSON, rendered like DuckDB (unquoted). */
function jsonScalarToDuck(node: JsonNode, name: string): string {
  if (name === 'JSON') return node.raw;
  switch (node.t) {
    case 'bool': return node.v ? 'true' : 'false';
    case 'num': return name === 'FLOAT' || name === 'DOUBLE' ? floatToDuck(node.raw, name === 'FLOAT') : node.raw;
    case 'str': {
      const oid = pgOidOfDuckScalar(name);
      if (name === 'TIMESTAMP WITH TIME ZONE') return timestamptzToDuck(isoToPg(node.v));
      if (oid === PgOid.timestamp || oid === PgOid.date) return dateTimeToDuck(isoToPg(node.v));
      if (oid === PgOid.float8) return floatToDuck(node.v, name === 'FLOAT');
      if (oid === PgOid.interval) return intervalToDuck(node.v);
      if (oid === PgOid.bytea) return byteaToDuck(node.v);
      return node.v;
    }
    default: throw new UnconvertibleValue(`JSON ${node.t} for DuckDB ${name}: ${node.raw}`);
  }
}

/** DuckDB's integer and decimal type names (INTERVAL is not one, though it starts with INT). */
const EXACT_NUMBER = /^(?:U?(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|DECIMAL\(.*\)|BIGNUM)$/;

/**
 * A map key as Sirius writes it (docs/types.md, json_object_agg's rule): the key's JSON when
 * that is a string, else the JSON text. So a scalar key is its text (ISO timestamps,
 * true/false), a LIST/STRUCT/MAP key its JSON text, a UNION key its member's key. DuckDB quotes
 * scalar keys like list elements (`'c=d'=1`), but neither nested keys nor UNION members.
 */
function mapKeyToDuck(key: string, type: DuckType, quote: boolean): string {
  switch (type.id) {
    case 'SCALAR': {
      const text = scalarKeyToDuck(key, type.name);
      return quote ? quoteNested(text) : text;
    }
    case 'UNION': return mapKeyToDuck(key, keyUnionMember(key, type.fields), false);
    default: return jsonToDuck(readJson(key), type, false);
  }
}

function scalarKeyToDuck(key: string, name: string): string {
  const oid = pgOidOfDuckScalar(name);
  if (oid === PgOid.bool) {
    if (key !== 'true' && key !== 'false') throw new UnconvertibleValue(`not a BOOLEAN map key: ${key}`);
    return key;
  }
  return oid === 0 ? key : scalarToDuck(isoToPg(key), oid, true);
}

/**
 * The union member a map key belongs to. Keys are strings, so a string member fits every key:
 * only unions without one (or keys no other member could write) are unambiguous.
 */
function keyUnionMember(key: string, fields: [string, DuckType][]): DuckType {
  const fits = (t: DuckType): boolean => {
    switch (t.id) {
      case 'LIST':
      case 'ARRAY': return key.startsWith('[');
      case 'STRUCT':
      case 'MAP': return key.startsWith('{');
      case 'UNION': return t.fields.some(([, member]) => fits(member));
      case 'SCALAR':
        if (t.name === 'BOOLEAN') return key === 'true' || key === 'false';
        if (EXACT_NUMBER.test(t.name)) return /^-?\d+(?:\.\d+)?$/.test(key);
        if (t.name === 'FLOAT' || t.name === 'DOUBLE') return /^(?:-?\d|NaN$|-?Infinity$)/.test(key);
        return true;
    }
  };
  const candidates = fields.filter(([, t]) => fits(t));
  if (candidates.length !== 1) throw new UnconvertibleValue(`UNION member of map key ${JSON.stringify(key)} is ambiguous`);
  return candidates[0][1];
}

/** The union member a JSON value belongs to; JSON keeps no tag, so it must be unambiguous. */
function unionMember(node: JsonNode, fields: [string, DuckType][]): DuckType {
  const fits = (t: DuckType): boolean => {
    if (t.id === 'LIST' || t.id === 'ARRAY') return node.t === 'arr';
    if (t.id !== 'SCALAR') return node.t === 'obj';
    if (node.t === 'bool') return t.name === 'BOOLEAN';
    if (node.t === 'num') return EXACT_NUMBER.test(t.name) || t.name === 'FLOAT' || t.name === 'DOUBLE';
    return node.t === 'str' && !EXACT_NUMBER.test(t.name) && t.name !== 'BOOLEAN';
  };
  const candidates = fields.filter(([, t]) => fits(t));
  if (candidates.length !== 1) throw new UnconvertibleValue(`UNION member of ${node.raw} is ambiguous`);
  return candidates[0][1];
}

/** A JSON value of DuckDB type `type` in DuckDB's rendering; `nested` quotes scalar leaves. */
export function jsonToDuck(node: JsonNode, type: DuckType, nested: boolean): string {
  if (node.t === 'null') return 'NULL';
  switch (type.id) {
    case 'SCALAR': {
      const text = jsonScalarToDuck(node, type.name);
      return nested ? quoteNested(text) : text;
    }
    case 'LIST':
    case 'ARRAY':
      if (node.t !== 'arr') throw new UnconvertibleValue(`expected a JSON array for ${type.id}: ${node.raw}`);
      return `[${node.items.map((item) => jsonToDuck(item, type.child, true)).join(', ')}]`;
    case 'STRUCT': return structToDuck(node, type.fields, type.unnamed);
    case 'MAP':
      if (node.t !== 'obj') throw new UnconvertibleValue(`expected a JSON object for MAP: ${node.raw}`);
      return `{${node.entries.map(([k, v]) => `${mapKeyToDuck(k, type.key, true)}=${jsonToDuck(v, type.value, true)}`).join(', ')}}`;
    // DuckDB never quotes a union's member, not even inside a list: ['c=d'::UNION(…)] is [c=d].
    case 'UNION': return jsonToDuck(node, unionMember(node, type.fields), false);
  }
}

/** `{'a': 1, 'b': x}`; an unnamed struct (JSON keys all "") prints as `(1, x)`. */
function structToDuck(node: JsonNode, fields: [string, DuckType][], unnamed: boolean): string {
  if (node.t !== 'obj' || node.entries.length !== fields.length) throw new UnconvertibleValue(`JSON does not fit STRUCT(${fields.map((f) => f[0]).join(', ')}): ${node.raw}`);
  const members = node.entries.map(([key, value], i) => {
    if (key !== fields[i][0]) throw new UnconvertibleValue(`STRUCT field ${i} is ${fields[i][0]}, JSON has ${key}`);
    const rendered = jsonToDuck(value, fields[i][1], true);
    return unnamed ? rendered : `'${key.replaceAll("'", "\\'")}': ${rendered}`;
  });
  return unnamed ? `(${members.join(', ')})` : `{${members.join(', ')}}`;
}

/** A json-typed column value (STRUCT, MAP, UNION or DuckDB JSON) in DuckDB's rendering. */
export function jsonTextToDuck(text: string, type: DuckType): string {
  if (type.id === 'SCALAR' && type.name === 'JSON') return text;
  return jsonToDuck(readJson(text), type, false);
}
