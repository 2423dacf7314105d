/**
 * Which PostgreSQL type a DuckDB result column is sent as (RowDescription's type OID, typlen
 * and typmod). The table with the text forms is docs/types.md.
 */
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { Oid, pgTypeInfo } from './oids.js';

export interface PgColumnType {
  oid: number;
  typlen: number;
  /** atttypmod: -1, or for numeric ((precision << 16) | scale) + 4 (VARHDRSZ). */
  typmod: number;
  /** pg_type.typname, e.g. 'int4', '_text'. */
  name: string;
}

/** DuckDB VARCHAR aliases that carry JSON text. */
export function isJsonAlias(t: DuckDBType): boolean {
  return t.typeId === DuckDBTypeId.VARCHAR && t.alias?.toUpperCase() === 'JSON';
}

/**
 * The labels of the DuckDB ENUM that stands for PostgreSQL's one-byte `"char"` type in the emulated
 * catalog (pg_type.typtype…): '' (PostgreSQL's "char" 0) and printable ASCII. DuckDB result types carry
 * no type names, so a column of exactly this ENUM is what says "char"; clients such as asyncpg decode
 * "char" as bytes and test typtype against b'b'.
 */
export const PG_CHAR_LABELS: readonly string[] = ['', ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i))];

function isPgCharEnum(t: DuckDBType): boolean {
  if (t.typeId !== DuckDBTypeId.ENUM || t.values.length !== PG_CHAR_LABELS.length) return false;
  return t.values.every((v, i) => v === PG_CHAR_LABELS[i]);
}

/** The scalar PostgreSQL OID for a DuckDB type that is not a LIST/ARRAY. */
export function scalarOid(t: DuckDBType): number {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN: return Oid.bool;
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT: return Oid.int2;
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT: return Oid.int4;
    case DuckDBTypeId.BIGINT: return Oid.int8;
    // PostgreSQL's oid is an unsigned 32-bit integer: the emulated catalog's oid columns are UINTEGER
    case DuckDBTypeId.UINTEGER: return Oid.oid;
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
    case DuckDBTypeId.DECIMAL: return Oid.numeric;
    case DuckDBTypeId.FLOAT: return Oid.float4;
    case DuckDBTypeId.DOUBLE: return Oid.float8;
    case DuckDBTypeId.VARCHAR: return isJsonAlias(t) ? Oid.json : Oid.text;
    case DuckDBTypeId.ENUM: return isPgCharEnum(t) ? Oid.char : Oid.text;
    case DuckDBTypeId.STRING_LITERAL:
    case DuckDBTypeId.SQLNULL: return Oid.text;
    case DuckDBTypeId.BLOB:
    case DuckDBTypeId.GEOMETRY: return Oid.bytea;
    case DuckDBTypeId.DATE: return Oid.date;
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS: return Oid.time;
    case DuckDBTypeId.TIME_TZ: return Oid.timetz;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS: return Oid.timestamp;
    case DuckDBTypeId.TIMESTAMP_TZ: return Oid.timestamptz;
    case DuckDBTypeId.INTERVAL: return Oid.interval;
    case DuckDBTypeId.UUID: return Oid.uuid;
    case DuckDBTypeId.BIT: return Oid.varbit;
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.UNION: return Oid.json;
    default:
      throw new PgError(SqlState.FeatureNotSupported, `DuckDB type ${t.toString()} cannot be sent to PostgreSQL clients`);
  }
}

/** The innermost element type of nested LIST/ARRAY types (LIST(LIST(INTEGER)) → INTEGER). */
export function innermostElement(t: DuckDBType): DuckDBType {
  let e = t;
  while (e.typeId === DuckDBTypeId.LIST || e.typeId === DuckDBTypeId.ARRAY) e = e.valueType;
  return e;
}

function decimalTypmod(t: DuckDBType): number {
  return t.typeId === DuckDBTypeId.DECIMAL ? ((t.width << 16) | t.scale) + 4 : -1;
}

/**
 * The PostgreSQL type of a DuckDB column. LIST and ARRAY of any depth become the element's
 * array type (PostgreSQL arrays are multidimensional, not nested), keeping the element typmod
 * as PostgreSQL does for numeric(p,s)[] columns.
 */
export function pgTypeOf(t: DuckDBType): PgColumnType {
  const element = innermostElement(t);
  const elementOid = scalarOid(element);
  const typmod = decimalTypmod(element);
  const elementInfo = pgTypeInfo(elementOid)!;
  if (element === t) return { oid: elementOid, typlen: elementInfo.typlen, typmod, name: elementInfo.name };
  const arrayInfo = pgTypeInfo(elementInfo.arrayOid)!;
  return { oid: arrayInfo.oid, typlen: -1, typmod, name: arrayInfo.name };
}
