/**
 * A result cell received over the wire (PostgreSQL text form + RowDescription type) → the
 * string DuckDB's sqllogictest runner would have produced for it
 * (TestResultHelper::SQLLogicTestConvertValue): NULL, (empty), 1/0 for booleans, else the
 * value cast to VARCHAR.
 */
import { type ElementRenderer, jsonToDuck, pgArrayToDuck, scalarElementRenderer } from './duck-nested.js';
import { scalarToDuck, UnconvertibleValue } from './duck-scalar.js';
import type { DuckType } from './duck-type.js';
import { readJson } from './json-tree.js';

export const JSON_OID = 114;

/** PostgreSQL 15 array type OID → element type OID (pg_type.dat typarray), for Sirius's types. */
const ARRAY_ELEMENT: ReadonlyMap<number, number> = new Map([
  [1000, 16], [1001, 17], [1002, 18], [1003, 19], [1016, 20], [1005, 21], [1007, 23], [1009, 25], [1028, 26],
  [199, 114], [1021, 700], [1022, 701], [1014, 1042], [1015, 1043], [1182, 1082], [1183, 1083], [1115, 1114],
  [1185, 1184], [1187, 1186], [1270, 1266], [1561, 1560], [1563, 1562], [1231, 1700], [2951, 2950], [3807, 3802],
]);

export interface WireColumn {
  name: string;
  oid: number;
  typmod: number;
}

export function arrayElementOid(oid: number): number | undefined {
  return ARRAY_ELEMENT.get(oid);
}

/** Columns whose text cannot be read back without the DuckDB type (JSON loses it). */
export function needsDuckType(column: WireColumn): boolean {
  return column.oid === JSON_OID || arrayElementOid(column.oid) === JSON_OID;
}

function innermost(type: DuckType): DuckType {
  let t = type;
  while (t.id === 'LIST' || t.id === 'ARRAY') t = t.child;
  return t;
}

function elementRenderer(column: WireColumn, duckType: DuckType | null): ElementRenderer {
  const elementOid = arrayElementOid(column.oid)!;
  if (elementOid !== JSON_OID) return scalarElementRenderer(elementOid);
  if (duckType === null) throw new UnconvertibleValue(`column ${column.name}: a json[] needs its DuckDB type`);
  const leaf = innermost(duckType);
  return (text) => jsonToDuck(readJson(text), leaf, true);
}

/** The DuckDB rendering of a value, before the runner's NULL / (empty) / \0 rules. */
export function valueToDuck(text: string, column: WireColumn, duckType: DuckType | null): string {
  if (column.oid === JSON_OID) {
    if (duckType === null) throw new UnconvertibleValue(`column ${column.name}: json needs its DuckDB type`);
    if (duckType.id === 'SCALAR' && duckType.name === 'JSON') return text;
    return jsonToDuck(readJson(text), duckType, false);
  }
  if (arrayElementOid(column.oid) !== undefined) return pgArrayToDuck(text, elementRenderer(column, duckType));
  return scalarToDuck(text, column.oid, false);
}

/** SQLLogicTestConvertValue on a wire value. */
export function cellToRunnerString(text: string | null, column: WireColumn, duckType: DuckType | null): string {
  if (text === null) return 'NULL';
  const rendered = valueToDuck(text, column, duckType);
  return rendered.length === 0 ? '(empty)' : rendered.replaceAll('\0', '\\0');
}

