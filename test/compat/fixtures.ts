import { readFileSync } from 'node:fs';
import pg from 'pg';

/** The client SQL captured from real clients (../shared/compat, see its README.md). */
export const COMPAT_DIR = new URL('../../../shared/compat/', import.meta.url);

export function capturedStatements(): string[] {
  return JSON.parse(readFileSync(new URL('captured_sql.json', COMPAT_DIR), 'utf8')) as string[];
}

/** The queries of `psql -E` output: the text between the QUERY banners. */
export function psqlMetaQueries(): string[] {
  const text = readFileSync(new URL('psql_meta_commands.txt', COMPAT_DIR), 'utf8');
  return [...text.matchAll(/\*{9} QUERY \*{10}\n([\s\S]*?)\n\*{26}/g)].map((m) => m[1]);
}

/** `$n` placeholders in a statement (outside quotes it is close enough for these fixtures). */
export function parameterCount(sql: string): number {
  return new Set(sql.match(/\$\d+/g) ?? []).size;
}

/** The table the captured session queried, the same on both servers (a temporary table: suites run in parallel). */
export const TABLE_T = [
  'CREATE TEMP TABLE t (id int PRIMARY KEY, name text, ts timestamptz DEFAULT now(), amount numeric(10,2), u uuid, tags text[])',
  "INSERT INTO t VALUES (1, 'one', '2024-01-02 03:04:05+00', 1.50, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', ARRAY['a', 'b'])",
];

/**
 * A type's family: what a client does with a column, which is what must match. Sirius has no
 * `name`, `"char"`, `oid`, reg*, `inet` or `anyarray` types on the wire (DuckDB's VARCHAR and INTEGER carry them):
 * they are compared as text and integers.
 */
export function typeFamily(oid: number): string {
  const families: Record<string, number[]> = {
    text: [25, 1043, 19, 18, 1042, 24, 2205, 2206, 4089, 194, 1033, 705, 869, 2277],
    integer: [20, 21, 23, 26, 28],
    float: [700, 701],
    'text[]': [1009, 1015, 1003, 1002, 1034],
    'integer[]': [1005, 1007, 1016, 1028, 22, 30],
    json: [114, 3802],
  };
  for (const [family, oids] of Object.entries(families)) if (oids.includes(oid)) return family;
  return `oid ${oid}`;
}

export interface Outcome {
  names?: string[];
  families?: string[];
  rows?: number;
  error?: string;
}

/** Runs one statement (extended protocol when it has parameters, by default each given as text '1'); errors become outcomes. */
export async function outcome(client: pg.Client, sql: string, params?: unknown[]): Promise<Outcome> {
  const n = parameterCount(sql);
  try {
    const r = await client.query(n > 0 ? { text: sql, values: params ?? Array.from({ length: n }, () => '1') } : sql);
    const last = (Array.isArray(r) ? r[r.length - 1] : r) as pg.QueryResult;
    return { names: last.fields.map((f) => f.name), families: last.fields.map((f) => typeFamily(f.dataTypeID)), rows: last.rowCount ?? 0 };
  } catch (e) {
    return { error: (e as pg.DatabaseError).code ?? String(e) };
  }
}
