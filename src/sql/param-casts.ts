import { continuesWord, skipNonCode } from './scan.js';

/**
 * Rule: cast parameters whose type DuckDB cannot infer.
 *
 * Breaks: `SELECT $1 AS x` — DuckDB prepares it with an INVALID parameter
 * type and an unknown result column, so neither ParameterDescription nor
 * RowDescription can be sent. PostgreSQL resolves such parameters as text
 * (or as the type the client declared in Parse), so Sirius rewrites them to
 * `$1::VARCHAR` (or `$1::<declared type>`) and prepares again.
 *
 *   SELECT $1 AS x, $2 + 1   --(declared [0, int4])-->   SELECT $1::VARCHAR AS x, $2::INTEGER + 1
 */
export function castParameters(sql: string, casts: Map<number, string>): string {
  let out = '';
  let last = 0;
  forEachParameter(sql, (_start, end, n) => {
    const type = casts.get(n);
    if (!type) return;
    out += sql.slice(last, end) + '::' + type;
    last = end;
  });
  return out + sql.slice(last);
}

/** The parameters written with a cast of their own (`$3::bytea`): DuckDB may leave those untyped only because another parameter is. */
export function explicitlyCastParameters(sql: string): Set<number> {
  const out = new Set<number>();
  forEachParameter(sql, (_start, end, n) => {
    if (/^\s*::/.test(sql.slice(end, end + 64))) out.add(n);
  });
  return out;
}

/** Calls fn for every `$n` token outside quotes, dollar-quoted strings and comments. */
export function forEachParameter(sql: string, fn: (start: number, end: number, n: number) => void): void {
  let i = 0;
  while (i < sql.length) {
    const skipped = skipNonCode(sql, i);
    if (skipped) {
      i = skipped.end;
      continue;
    }
    if (sql.charCodeAt(i) === 36 /* $ */ && !continuesWord(sql, i)) {
      let j = i + 1;
      while (j < sql.length && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++;
      if (j > i + 1) {
        fn(i, j, Number(sql.slice(i + 1, j)));
        i = j;
        continue;
      }
    }
    i++;
  }
}
