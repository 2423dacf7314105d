/**
 * PostgreSQL type OIDs, as in src/include/catalog/pg_type.dat of PostgreSQL 15.
 * https://www.postgresql.org/docs/15/catalog-pg-type.html
 */
export const Oid = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  regproc: 24,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  bit: 1560,
  varbit: 1562,
  numeric: 1700,
  regclass: 2205,
  regtype: 2206,
  uuid: 2950,
  jsonb: 3802,
} as const;

export interface PgTypeInfo {
  oid: number;
  /** pg_type.typname */
  name: string;
  /** pg_type.typlen: bytes of a fixed-size type, -1 for varlena. */
  typlen: number;
  /** pg_type.typarray: the OID of the array type whose elements are this type (0: none). */
  arrayOid: number;
}

/** [typname, oid, typlen, typarray] */
const TABLE: readonly (readonly [string, number, number, number])[] = [
  ['bool', Oid.bool, 1, 1000],
  ['bytea', Oid.bytea, -1, 1001],
  ['char', Oid.char, 1, 1002],
  ['name', Oid.name, 64, 1003],
  ['int8', Oid.int8, 8, 1016],
  ['int2', Oid.int2, 2, 1005],
  ['int4', Oid.int4, 4, 1007],
  ['regproc', Oid.regproc, 4, 1008],
  ['text', Oid.text, -1, 1009],
  ['oid', Oid.oid, 4, 1028],
  ['json', Oid.json, -1, 199],
  ['xml', Oid.xml, -1, 143],
  ['float4', Oid.float4, 4, 1021],
  ['float8', Oid.float8, 8, 1022],
  ['unknown', Oid.unknown, -2, 0],
  ['bpchar', Oid.bpchar, -1, 1014],
  ['varchar', Oid.varchar, -1, 1015],
  ['date', Oid.date, 4, 1182],
  ['time', Oid.time, 8, 1183],
  ['timestamp', Oid.timestamp, 8, 1115],
  ['timestamptz', Oid.timestamptz, 8, 1185],
  ['interval', Oid.interval, 16, 1187],
  ['timetz', Oid.timetz, 12, 1270],
  ['bit', Oid.bit, -1, 1561],
  ['varbit', Oid.varbit, -1, 1563],
  ['numeric', Oid.numeric, -1, 1231],
  ['regclass', Oid.regclass, 4, 2210],
  ['regtype', Oid.regtype, 4, 2211],
  ['uuid', Oid.uuid, 16, 2951],
  ['jsonb', Oid.jsonb, -1, 3807],
];

const byOid = new Map<number, PgTypeInfo>();
const elementOfArray = new Map<number, PgTypeInfo>();
for (const [name, oid, typlen, arrayOid] of TABLE) {
  const info: PgTypeInfo = { oid, name, typlen, arrayOid };
  byOid.set(oid, info);
  if (arrayOid !== 0) {
    const arrayInfo: PgTypeInfo = { oid: arrayOid, name: `_${name}`, typlen: -1, arrayOid: 0 };
    byOid.set(arrayOid, arrayInfo);
    elementOfArray.set(arrayOid, info);
  }
}

/** The type with this OID (scalar or array), or undefined when Sirius does not know it. */
export function pgTypeInfo(oid: number): PgTypeInfo | undefined {
  return byOid.get(oid);
}

/** The element type of an array type OID, or undefined when `oid` is not a known array type. */
export function arrayElementType(oid: number): PgTypeInfo | undefined {
  return elementOfArray.get(oid);
}

/** typarray of a scalar OID; throws for a type without an array type (a programming error). */
export function arrayOidOf(elementOid: number): number {
  const info = byOid.get(elementOid);
  if (!info || info.arrayOid === 0) throw new Error(`no array type for OID ${elementOid}`);
  return info.arrayOid;
}

/** Every known type (scalars and their arrays), for catalog emulation. */
export function allPgTypes(): PgTypeInfo[] {
  return [...byOid.values()];
}
