/**
 * Picks the text writer of a scalar DuckDB type.
 */
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { BufferWriter } from '../wire/writer.js';
import type { Binder } from './bound.js';
import { scalarOid } from './mapping.js';
import {
  bignumText, bitText, blobText, boolText, decimalText, enumText, floatText, int64Text, smallIntText, uuidText, varcharText,
} from './text-scalars.js';
import { dateText, intervalText, timestampText, timetzText, timeText, Unit } from './text-time.js';
import type { ZoneOffsets } from './tz.js';

/** Storage bytes of a DECIMAL of this width (DuckDB picks int16/32/64/128). */
export function decimalByteWidth(width: number): number {
  if (width <= 4) return 2;
  if (width <= 9) return 4;
  return width <= 18 ? 8 : 16;
}

/** A vector type whose rows are always NULL (SQLNULL): its vector is never read. */
export const alwaysNull: Binder = (vector) => ({
  valid: new Uint8Array(Math.ceil((vector?.itemCount ?? 2048) / 8)),
  write(_row: number, _w: BufferWriter): void {
    throw new Error('alwaysNull.write: SQLNULL values are never written');
  },
});

/**
 * The PostgreSQL text writer for a scalar type. `zone` renders timestamptz; `iso` selects
 * the JSON form of timestamps (to_json's).
 */
export function scalarTextBinder(t: DuckDBType, zone: ZoneOffsets, iso: boolean): Binder {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN: return boolText;
    case DuckDBTypeId.TINYINT: return smallIntText(Int8Array);
    case DuckDBTypeId.SMALLINT: return smallIntText(Int16Array);
    case DuckDBTypeId.INTEGER: return smallIntText(Int32Array);
    case DuckDBTypeId.UTINYINT: return smallIntText(Uint8Array);
    case DuckDBTypeId.USMALLINT: return smallIntText(Uint16Array);
    case DuckDBTypeId.UINTEGER: return smallIntText(Uint32Array);
    case DuckDBTypeId.BIGINT: return int64Text(false);
    case DuckDBTypeId.UBIGINT: return int64Text(true);
    case DuckDBTypeId.HUGEINT: return decimalText(16, 0);
    case DuckDBTypeId.UHUGEINT: return decimalText(16, 0, true);
    case DuckDBTypeId.DECIMAL: return decimalText(decimalByteWidth(t.width), t.scale);
    case DuckDBTypeId.BIGNUM: return bignumText;
    case DuckDBTypeId.FLOAT: return floatText(false);
    case DuckDBTypeId.DOUBLE: return floatText(true);
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.STRING_LITERAL: return varcharText;
    case DuckDBTypeId.BLOB:
    case DuckDBTypeId.GEOMETRY: return blobText;
    case DuckDBTypeId.ENUM: return enumText(t);
    case DuckDBTypeId.UUID: return uuidText;
    case DuckDBTypeId.BIT: return bitText;
    case DuckDBTypeId.DATE: return dateText;
    case DuckDBTypeId.TIME: return timeText(Unit.us);
    case DuckDBTypeId.TIME_NS: return timeText(Unit.ns);
    case DuckDBTypeId.TIME_TZ: return timetzText;
    case DuckDBTypeId.TIMESTAMP: return timestampText(Unit.us, null, iso);
    case DuckDBTypeId.TIMESTAMP_S: return timestampText(Unit.s, null, iso);
    case DuckDBTypeId.TIMESTAMP_MS: return timestampText(Unit.ms, null, iso);
    case DuckDBTypeId.TIMESTAMP_NS: return timestampText(Unit.ns, null, iso);
    case DuckDBTypeId.TIMESTAMP_TZ: return timestampText(Unit.us, zone, iso);
    case DuckDBTypeId.INTERVAL: return intervalText;
    case DuckDBTypeId.SQLNULL: return alwaysNull;
    default:
      // Rejects with the same message as the RowDescription mapping.
      scalarOid(t);
      throw new Error(`scalarTextBinder: ${t.toString()} is not a scalar type`);
  }
}
