import { BIGINT, DOUBLE, ENUM, INTEGER, TIMESTAMPTZ, UINTEGER, UTINYINT, type DuckDBType } from '@duckdb/node-api';
import { quoteIdent, type Dictionary, type StageColumn } from '../views/index.js';

/**
 * How one staged column travels into DuckDB and out to Parquet. Measured on
 * 1M rows, one thread: a string column scanned as an ENUM costs ~6 ms to
 * write (DuckDB's Parquet writer emits the enum's dictionary as is), a VARCHAR
 * one ~40 ms (it hashes every value), and handing strings over from JS ~400 ns
 * each. So a column with a small dictionary is scanned as an ENUM of its
 * values and only integer ids cross from JS; a large dictionary (formatted
 * messages, ids) would make a huge ENUM (1M values: 2.5 s to create, and the
 * writer copies all of them into every row group), so its ids are scanned as
 * INTEGER and resolved against a list of the values appended once.
 */
export type Strategy =
  | { how: 'plain'; type: DuckDBType; width: 1 | 4 | 8; convert?: 'int64' }
  | { how: 'enum'; type: DuckDBType; width: 1 | 2 | 4 }
  | { how: 'list'; type: DuckDBType; width: 4 }
  | { how: 'null'; type: DuckDBType; width: 1 };

export interface ColumnPlan {
  column: StageColumn;
  stageName: string;
  strategy: Strategy;
  /** The SELECT expression that yields the view column. */
  projection: string;
  /** A CTE that holds the list of values (list strategy). */
  cte?: { name: string; sql: string; table: string };
  /** A second scanned VARCHAR column for the inline texts of a `texts` column (StagedRows.setText). */
  textName?: string;
}

/** Largest dictionary scanned as an ENUM. */
export const ENUM_LIMIT = 4096;

const NUMERIC: Record<string, { type: DuckDBType; width: 1 | 4 | 8; convert?: 'int64' }> = {
  u8: { type: UTINYINT, width: 1 },
  i32: { type: INTEGER, width: 4 },
  u32: { type: UINTEGER, width: 4 },
  f64: { type: DOUBLE, width: 8 },
  i64: { type: BIGINT, width: 8, convert: 'int64' },
  ts: { type: TIMESTAMPTZ, width: 8, convert: 'int64' },
  ticks: { type: BIGINT, width: 8 },
};

export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** DuckDB stores an ENUM's index in the smallest unsigned type that holds its size. */
const enumWidth = (size: number): 1 | 2 | 4 => (size <= 0xff ? 1 : size <= 0xffff ? 2 : 4);

/** `hasTexts`: the column holds inline texts, which a second VARCHAR column carries (NULL elsewhere). */
export function planColumn(column: StageColumn, index: number, dict: Dictionary | null, hasTexts = false): ColumnPlan {
  const plan = planValues(column, index, dict);
  if (!hasTexts) return plan;
  const textName = `t${index}`;
  return { ...plan, textName, projection: `coalesce(${quoteIdent(textName)}, ${plan.projection})` };
}

function planValues(column: StageColumn, index: number, dict: Dictionary | null): ColumnPlan {
  const stageName = `c${index}`;
  const col = quoteIdent(stageName);
  const numeric = NUMERIC[column.kind];
  if (numeric) {
    const projection = numeric.type.toString() === column.type ? col : `CAST(${col} AS ${column.type})`;
    return { column, stageName, strategy: { how: 'plain', ...numeric }, projection };
  }
  if (!dict) throw new Error(`string column ${column.name} has no dictionary`);
  if (dict.size === 0) return { column, stageName, strategy: { how: 'null', type: UTINYINT, width: 1 }, projection: `CAST(NULL AS ${column.type})` };
  if (dict.size <= ENUM_LIMIT && !dict.values.some((v) => v.includes('\u0000'))) {
    return { column, stageName, strategy: { how: 'enum', type: ENUM(dict.values), width: enumWidth(dict.size) }, projection: enumProjection(column, col, dict) };
  }
  const table = `sirius_dict_${index}`;
  const cte = { name: `d${index}`, table, sql: `SELECT list(${valueCast(column, 's')} ORDER BY id) AS l FROM temp.${table}` };
  return { column, stageName, strategy: { how: 'list', type: INTEGER, width: 4 }, projection: `${cte.name}.l[${col} + 1]`, cte };
}

function valueCast(column: StageColumn, expr: string): string {
  if (column.kind === 'json') return `CAST(${expr} AS JSON)`;
  if (column.kind === 'strlist') return `CAST(CAST(${expr} AS JSON) AS VARCHAR[])`;
  return expr;
}

/** An ENUM column is written as is (Parquet gets VARCHAR); JSON and lists index a constant list by the enum code. */
function enumProjection(column: StageColumn, col: string, dict: Dictionary): string {
  if (column.kind === 'str') return col;
  const values = `CAST([${dict.values.map(sqlString).join(', ')}] AS JSON[])`;
  const pick = `${values}[enum_code(${col}) + 1]`;
  return column.kind === 'json' ? pick : `CAST(${pick} AS VARCHAR[])`;
}
