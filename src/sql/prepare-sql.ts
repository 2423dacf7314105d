import { forEachParameter } from './param-casts.js';

/**
 * SQL-level PREPARE for DuckDB, whose PREPARE takes no parameter type list: the types PostgreSQL's
 * `PREPARE name(type, …) AS stmt` declares become casts on each `$n` of the statement.
 *
 *   PREPARE twice(int) AS SELECT $1 * 2   →   PREPARE "twice" AS SELECT CAST($1 AS int) * 2
 */
export function duckdbPrepareSql(name: string, types: readonly string[] | null, body: string): string {
  return `PREPARE ${quoteIdent(name)} AS ${types ? castDeclaredParameters(body, types) : body}`;
}

/** `$n` → `CAST($n AS <types[n-1]>)`; jsonb is DuckDB's JSON. Parameters past the list keep no cast. */
export function castDeclaredParameters(body: string, types: readonly string[]): string {
  let out = '';
  let last = 0;
  forEachParameter(body, (start, end, n) => {
    const type = types[n - 1];
    if (!type) return;
    out += `${body.slice(last, start)}CAST(${body.slice(start, end)} AS ${/^jsonb$/i.test(type) ? 'JSON' : type})`;
    last = end;
  });
  return out + body.slice(last);
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
