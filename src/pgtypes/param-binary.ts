/**
 * Binary-format Bind parameters: PostgreSQL's typreceive layouts (boolrecv, int4recv,
 * numeric_recv, timestamp_recv, array_recv, …) decoded into DuckDB values. Malformed input is
 * PgError 22P03 (invalid_binary_representation), like PostgreSQL's "incorrect binary data
 * format in bind parameter N".
 */
import {
  BIGINT, BLOB, BOOLEAN, DATE, DECIMAL, DOUBLE, DuckDBBlobValue, DuckDBDateValue, DuckDBDecimalValue, DuckDBIntervalValue,
  DuckDBListValue, DuckDBTimestampTZValue, DuckDBTimestampValue, DuckDBTimeTZValue, DuckDBTimeValue, DuckDBUUIDValue, FLOAT,
  INTEGER, INTERVAL, LIST, SMALLINT, TIME, TIMESTAMP, TIMESTAMPTZ, TIMETZ, UINTEGER, UUID, VARCHAR,
  type DuckDBType, type DuckDBValue,
} from '@duckdb/node-api';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { Oid, arrayElementType, pgTypeInfo } from './oids.js';

export interface TypedValue {
  value: DuckDBValue;
  type: DuckDBType;
}

export class BinaryFormatError extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly: PostgreSQL rejects invalid sequences with 22021. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (err) {
    throw new PgError(SqlState.CharacterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"', { cause: err });
  }
}

function need(buf: Buffer, len: number, what: string): void {
  if (buf.length !== len) throw new BinaryFormatError(`${what} needs ${len} bytes, got ${buf.length}`);
}

const PG_EPOCH_DAYS = 10957;
const PG_EPOCH_US = 946_684_800_000_000n;
const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

function date(buf: Buffer): TypedValue {
  need(buf, 4, 'date');
  const days = buf.readInt32BE(0);
  // PostgreSQL's infinities are INT32_MAX / INT32_MIN; DuckDB's are ±INT32_MAX.
  const duck = days === 2147483647 ? days : days === -2147483648 ? -2147483647 : days + PG_EPOCH_DAYS;
  return { value: new DuckDBDateValue(duck), type: DATE };
}

function timestampMicros(buf: Buffer, what: string): bigint {
  need(buf, 8, what);
  const us = buf.readBigInt64BE(0);
  if (us === INT64_MAX) return INT64_MAX;
  if (us === INT64_MIN) return -INT64_MAX;
  return us + PG_EPOCH_US;
}

/** numeric_recv: ndigits, weight, sign, dscale, then base-10000 digits. */
function numeric(buf: Buffer): TypedValue {
  if (buf.length < 8) throw new BinaryFormatError('numeric header needs 8 bytes');
  const ndigits = buf.readInt16BE(0);
  const weight = buf.readInt16BE(2);
  const sign = buf.readUInt16BE(4);
  const dscale = buf.readInt16BE(6);
  need(buf, 8 + 2 * ndigits, 'numeric');
  if (sign === 0xc000 || sign === 0xd000 || sign === 0xf000) {
    throw new PgError(SqlState.FeatureNotSupported, 'numeric NaN and infinity cannot be used as parameters: DuckDB DECIMAL has no such values');
  }
  if ((sign !== 0 && sign !== 0x4000) || dscale < 0 || ndigits < 0) throw new BinaryFormatError('invalid numeric sign or scale');
  // value = Σ digit[i] × 10000^(weight - i); scaled = value × 10^dscale.
  let scaled = 0n;
  for (let i = 0; i < ndigits; i++) {
    const d = buf.readInt16BE(8 + 2 * i);
    if (d < 0 || d > 9999) throw new BinaryFormatError(`invalid numeric digit ${d}`);
    scaled = scaled * 10000n + BigInt(d);
  }
  // scaled now holds value × 10000^(ndigits - 1 - weight).
  const shift = 4 * (ndigits - 1 - weight) - dscale;
  scaled = shift >= 0 ? scaled / 10n ** BigInt(shift) : scaled * 10n ** BigInt(-shift);
  if (sign === 0x4000) scaled = -scaled;
  const width = Math.max(String(scaled < 0n ? -scaled : scaled).length, dscale + 1);
  if (width > 38) {
    throw new PgError(SqlState.NumericValueOutOfRange, `numeric parameter needs ${width} digits, more than DuckDB DECIMAL's 38`);
  }
  return { value: new DuckDBDecimalValue(scaled, width, dscale), type: DECIMAL(width, dscale) };
}

/** array_recv: ndim, has-null flag, element OID, dims with lower bounds, then elements. */
function array(buf: Buffer, arrayOid: number): TypedValue {
  if (buf.length < 12) throw new BinaryFormatError('array header needs 12 bytes');
  const ndim = buf.readInt32BE(0);
  const elementOid = buf.readInt32BE(8);
  const expected = arrayElementType(arrayOid);
  if (ndim < 0 || ndim > 6) throw new BinaryFormatError(`invalid number of dimensions ${ndim}`);
  if (expected && elementOid !== expected.oid) throw new BinaryFormatError(`wrong element type ${elementOid}, expected ${expected.oid}`);
  const dims: number[] = [];
  let pos = 12;
  for (let d = 0; d < ndim; d++) {
    if (buf.length < pos + 8) throw new BinaryFormatError('array dimensions truncated');
    dims.push(buf.readInt32BE(pos));
    pos += 8;
  }
  const elementType = duckTypeForOid(elementOid);
  const read = (depth: number): DuckDBValue[] => {
    const out: DuckDBValue[] = [];
    for (let i = 0; i < dims[depth]; i++) {
      if (depth + 1 < dims.length) {
        out.push(new DuckDBListValue(read(depth + 1)));
        continue;
      }
      if (buf.length < pos + 4) throw new BinaryFormatError('array element truncated');
      const len = buf.readInt32BE(pos);
      pos += 4;
      if (len < 0) {
        out.push(null);
        continue;
      }
      if (buf.length < pos + len) throw new BinaryFormatError('array element truncated');
      out.push(decodeBinaryValue(elementOid, buf.subarray(pos, pos + len)).value);
      pos += len;
    }
    return out;
  };
  const items = ndim === 0 ? [] : read(0);
  if (pos !== buf.length) throw new BinaryFormatError('trailing bytes after array');
  let type: DuckDBType = elementType;
  for (let d = 0; d < Math.max(ndim, 1); d++) type = LIST(type);
  return { value: new DuckDBListValue(items), type };
}

/** The DuckDB type a value of this PostgreSQL OID is bound as (json is bound as VARCHAR text). */
function duckTypeForOid(oid: number): DuckDBType {
  switch (oid) {
    case Oid.bool: return BOOLEAN;
    case Oid.int2: return SMALLINT;
    case Oid.int4: return INTEGER;
    case Oid.int8: return BIGINT;
    case Oid.oid: return UINTEGER;
    case Oid.float4: return FLOAT;
    case Oid.float8: return DOUBLE;
    case Oid.numeric: return DECIMAL(38, 10);
    case Oid.bytea: return BLOB;
    case Oid.date: return DATE;
    case Oid.time: return TIME;
    case Oid.timetz: return TIMETZ;
    case Oid.timestamp: return TIMESTAMP;
    case Oid.timestamptz: return TIMESTAMPTZ;
    case Oid.interval: return INTERVAL;
    case Oid.uuid: return UUID;
    default: return VARCHAR;
  }
}

/** Decodes one binary value of PostgreSQL type `oid`; throws BinaryFormatError on bad bytes. */
export function decodeBinaryValue(oid: number, buf: Buffer): TypedValue {
  switch (oid) {
    case Oid.bool: need(buf, 1, 'boolean'); return { value: buf[0] !== 0, type: BOOLEAN };
    case Oid.int2: need(buf, 2, 'smallint'); return { value: buf.readInt16BE(0), type: SMALLINT };
    case Oid.int4: need(buf, 4, 'integer'); return { value: buf.readInt32BE(0), type: INTEGER };
    case Oid.int8: need(buf, 8, 'bigint'); return { value: buf.readBigInt64BE(0), type: BIGINT };
    case Oid.oid: need(buf, 4, 'oid'); return { value: buf.readUInt32BE(0), type: UINTEGER };
    case Oid.float4: need(buf, 4, 'real'); return { value: buf.readFloatBE(0), type: FLOAT };
    case Oid.float8: need(buf, 8, 'double precision'); return { value: buf.readDoubleBE(0), type: DOUBLE };
    case Oid.numeric: return numeric(buf);
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.char:
    case Oid.unknown: return { value: decodeUtf8(buf), type: VARCHAR };
    case Oid.json: return { value: decodeUtf8(buf), type: VARCHAR };
    case Oid.jsonb:
      if (buf.length < 1 || buf[0] !== 1) throw new BinaryFormatError(`unsupported jsonb version number ${buf[0]}`);
      return { value: decodeUtf8(buf.subarray(1)), type: VARCHAR };
    case Oid.bytea: return { value: new DuckDBBlobValue(Uint8Array.from(buf)), type: BLOB };
    case Oid.date: return date(buf);
    case Oid.time: need(buf, 8, 'time'); return { value: new DuckDBTimeValue(buf.readBigInt64BE(0)), type: TIME };
    case Oid.timetz:
      need(buf, 12, 'time with time zone');
      return { value: DuckDBTimeTZValue.fromMicrosAndOffset(buf.readBigInt64BE(0), -buf.readInt32BE(8)), type: TIMETZ };
    case Oid.timestamp: return { value: new DuckDBTimestampValue(timestampMicros(buf, 'timestamp')), type: TIMESTAMP };
    case Oid.timestamptz: return { value: new DuckDBTimestampTZValue(timestampMicros(buf, 'timestamptz')), type: TIMESTAMPTZ };
    case Oid.interval:
      need(buf, 16, 'interval');
      return { value: new DuckDBIntervalValue(buf.readInt32BE(12), buf.readInt32BE(8), buf.readBigInt64BE(0)), type: INTERVAL };
    case Oid.uuid:
      need(buf, 16, 'uuid');
      return { value: DuckDBUUIDValue.fromUint128(BigInt(`0x${buf.toString('hex')}`)), type: UUID };
    default:
      if (arrayElementType(oid)) return array(buf, oid);
      throw new PgError(SqlState.FeatureNotSupported, `binary format is not supported for parameters of type ${pgTypeInfo(oid)?.name ?? `with OID ${oid}`}`);
  }
}
