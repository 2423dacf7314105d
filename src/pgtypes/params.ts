/**
 * Bind parameters: turning a wire value (text or binary, with the client's declared OID or 0)
 * into a DuckDB prepared-statement binding.
 *
 * DuckDB casts a VARCHAR bound to a typed parameter (`WHERE ts > $1` with '2026-01-01 00:00+00'
 * works), so most text values are bound as VARCHAR and DuckDB's cast error is the client's
 * error. Text forms that DuckDB reads differently from PostgreSQL (booleans, bytea, intervals,
 * BC dates, array literals, integers with a fraction) are converted here first (param-text.ts).
 * A parameter DuckDB could not type (`SELECT $1 + 1`) fails to bind a VARCHAR; the server
 * prepares such statements with `$1::TYPE` casts from duckTypeNameForOid.
 * Bind: https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import {
  BIGINT, DuckDBIntervalValue, DuckDBTypeId, INTEGER, SMALLINT, type DuckDBPreparedStatement, type DuckDBType,
} from '@duckdb/node-api';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { parseIntervalText, type IntervalParts } from './interval-text.js';
import { pgTypeOf } from './mapping.js';
import { arrayElementType, Oid } from './oids.js';
import { BinaryFormatError, decodeBinaryValue, decodeUtf8 } from './param-binary.js';
import { duckListLiteral, parseArrayLiteral, parseBool, parseBytea, parseFloat8, parseInteger, rewriteEra } from './param-text.js';

const DUCK_NAMES: Record<number, string> = {
  [Oid.bool]: 'BOOLEAN',
  [Oid.int2]: 'SMALLINT',
  [Oid.int4]: 'INTEGER',
  [Oid.int8]: 'BIGINT',
  [Oid.oid]: 'UINTEGER',
  [Oid.float4]: 'FLOAT',
  [Oid.float8]: 'DOUBLE',
  // PostgreSQL's unconstrained numeric has no DuckDB equivalent; 38 digits with 10 decimals
  // keeps typical exact values exact and fails loudly (out of range) on larger ones.
  [Oid.numeric]: 'DECIMAL(38,10)',
  [Oid.text]: 'VARCHAR',
  [Oid.varchar]: 'VARCHAR',
  [Oid.bpchar]: 'VARCHAR',
  [Oid.name]: 'VARCHAR',
  [Oid.char]: 'VARCHAR',
  [Oid.unknown]: 'VARCHAR',
  [Oid.json]: 'JSON',
  [Oid.jsonb]: 'JSON',
  [Oid.bytea]: 'BLOB',
  [Oid.date]: 'DATE',
  [Oid.time]: 'TIME',
  [Oid.timetz]: 'TIMETZ',
  [Oid.timestamp]: 'TIMESTAMP',
  [Oid.timestamptz]: 'TIMESTAMPTZ',
  [Oid.interval]: 'INTERVAL',
  [Oid.uuid]: 'UUID',
  [Oid.bit]: 'BIT',
  [Oid.varbit]: 'BIT',
};

/** The DuckDB type name to cast a parameter of this OID to (`$1::INTEGER`), or undefined. */
export function duckTypeNameForOid(oid: number): string | undefined {
  const scalar = DUCK_NAMES[oid];
  if (scalar !== undefined) return scalar;
  const element = arrayElementType(oid);
  const elementName = element === undefined ? undefined : DUCK_NAMES[element.oid];
  return elementName === undefined ? undefined : `${elementName}[]`;
}

const UNRESOLVED = new Set<DuckDBTypeId>([DuckDBTypeId.INVALID, DuckDBTypeId.ANY, DuckDBTypeId.SQLNULL]);

/** The PostgreSQL OID of the type DuckDB inferred for parameter `index`, or 0 when it has none. */
function inferredOid(stmt: DuckDBPreparedStatement, index: number): number {
  if (UNRESOLVED.has(stmt.parameterTypeId(index))) return 0;
  const type: DuckDBType = stmt.parameterType(index);
  try {
    return pgTypeOf(type).oid;
  } catch {
    // A DuckDB type without a PostgreSQL counterpart: the value goes in as text.
    return 0;
  }
}

function duckIntervalText(p: IntervalParts): string {
  return `${p.months} months ${p.days} days ${p.micros} microseconds`;
}

/** Converts one array element's text so DuckDB's element cast reads the same value. */
function elementMapper(elementOid: number): ((s: string) => string) | undefined {
  switch (elementOid) {
    case Oid.bool: return (s) => String(parseBool(s));
    case Oid.date:
    case Oid.timestamp:
    case Oid.timestamptz: return rewriteEra;
    case Oid.bytea: return (s) => [...parseBytea(s)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
    case Oid.interval: return (s) => {
      const parts = parseIntervalText(s);
      return parts === undefined ? s : duckIntervalText(parts);
    };
    default: return undefined;
  }
}

const INTEGER_TYPES = {
  [Oid.int2]: ['smallint', SMALLINT],
  [Oid.int4]: ['integer', INTEGER],
  [Oid.int8]: ['bigint', BIGINT],
} as const;

function bindText(stmt: DuckDBPreparedStatement, index: number, oid: number, text: string): void {
  switch (oid) {
    case Oid.bool: return stmt.bindBoolean(index, parseBool(text));
    case Oid.int2:
    case Oid.int4:
    case Oid.int8: {
      const [name, type] = INTEGER_TYPES[oid];
      const v = parseInteger(text, name);
      return stmt.bindValue(index, oid === Oid.int8 ? v : Number(v), type);
    }
    case Oid.float4: return stmt.bindFloat(index, parseFloat8(text, 'real'));
    case Oid.float8: return stmt.bindDouble(index, parseFloat8(text, 'double precision'));
    case Oid.bytea: return stmt.bindBlob(index, parseBytea(text));
    case Oid.interval: {
      const parts = parseIntervalText(text);
      if (parts === undefined) return stmt.bindVarchar(index, text);
      return stmt.bindInterval(index, new DuckDBIntervalValue(parts.months, parts.days, parts.micros));
    }
    case Oid.date:
    case Oid.timestamp:
    case Oid.timestamptz: return stmt.bindVarchar(index, rewriteEra(text));
  }
  const element = arrayElementType(oid);
  if (element !== undefined) return stmt.bindVarchar(index, duckListLiteral(parseArrayLiteral(text), elementMapper(element.oid)));
  stmt.bindVarchar(index, text);
}

/**
 * Binds parameter `index` (1-based) of a DuckDB prepared statement from a Bind value.
 * `oid` is the client's declared type, 0 when unspecified (then DuckDB's inferred type
 * decides how the value is read). `value` null is SQL NULL.
 */
export function bindParam(stmt: DuckDBPreparedStatement, index: number, oid: number, format: 0 | 1, value: Buffer | null): void {
  if (value === null) {
    stmt.bindNull(index);
    return;
  }
  const effectiveOid = oid !== 0 ? oid : inferredOid(stmt, index);
  if (format === 0) {
    bindText(stmt, index, effectiveOid, decodeUtf8(value));
    return;
  }
  if (format !== 1) throw PgError.protocol(`invalid parameter format code ${format as number}`);
  if (effectiveOid === 0) {
    throw new PgError(SqlState.IndeterminateDatatype, `could not determine data type of parameter $${index}`);
  }
  try {
    const { value: v, type } = decodeBinaryValue(effectiveOid, value);
    stmt.bindValue(index, v, type);
  } catch (err) {
    if (!(err instanceof BinaryFormatError)) throw err;
    throw new PgError(SqlState.InvalidBinaryRepresentation, `incorrect binary data format in bind parameter ${index}`, {
      detail: err.message,
      cause: err,
    });
  }
}
