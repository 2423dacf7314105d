import { PG_CHAR_TYPE } from './model.js';
import { PG_TYPES_DATA } from './types-data.js';

/** A pg_type row of PostgreSQL 15, plus format_type's name for it (`display`). */
export interface PgTypeRow {
  oid: number;
  typname: string;
  typlen: number;
  typbyval: boolean;
  typtype: string;
  typcategory: string;
  typispreferred: boolean;
  typdelim: string;
  typelem: number;
  typarray: number;
  typinput: string;
  typoutput: string;
  typreceive: string;
  typsend: string;
  typalign: string;
  typstorage: string;
  typcollation: number;
  display: string;
}

function parse(): PgTypeRow[] {
  return PG_TYPES_DATA.trim()
    .split('\n')
    .map((line) => {
      const f = line.split('|');
      return {
        oid: Number(f[0]), typname: f[1], typlen: Number(f[2]), typbyval: f[3] === 't', typtype: f[4], typcategory: f[5],
        typispreferred: f[6] === 't', typdelim: f[7], typelem: Number(f[8]), typarray: Number(f[9]), typinput: f[10],
        typoutput: f[11], typreceive: f[12], typsend: f[13], typalign: f[14], typstorage: f[15], typcollation: Number(f[16]),
        display: f[17],
      };
    });
}

export const PG_TYPES: readonly PgTypeRow[] = parse();
const BY_OID = new Map(PG_TYPES.map((t) => [t.oid, t]));

export function pgTypeRow(oid: number): PgTypeRow | undefined {
  return BY_OID.get(oid);
}

/** The DuckDB types the catalog columns are declared with (pg-columns.ts), as PostgreSQL type OIDs. */
const DUCK_TO_OID: Readonly<Record<string, number>> = {
  INTEGER: 23, SMALLINT: 21, BIGINT: 20, BOOLEAN: 16, REAL: 700, DOUBLE: 701, VARCHAR: 25, BLOB: 17,
  TIMESTAMPTZ: 1184, INTERVAL: 1186, UINTEGER: 26, [PG_CHAR_TYPE]: 18,
};

/** The PostgreSQL type OID of a catalog column declared as `duckType` (`VARCHAR[]` → _text). */
export function oidOfDuckType(duckType: string): number {
  const array = duckType.endsWith('[]');
  const oid = DUCK_TO_OID[array ? duckType.slice(0, -2) : duckType];
  if (oid === undefined) throw new Error(`no PostgreSQL type for catalog column type ${duckType}`);
  return array ? BY_OID.get(oid)!.typarray : oid;
}
