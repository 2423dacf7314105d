import { forEachParameter } from './param-casts.js';

/**
 * Rule: a parameter cast to unconstrained numeric takes the scale of its bound value.
 *
 * Breaks: `SELECT $1::numeric` bound to '1.25' — DuckDB's NUMERIC is DECIMAL(18,3), fixed when the
 * statement is prepared, so it answers 1.250 where PostgreSQL's numeric without typmod keeps the
 * input's scale (1.25). At each Execute the casts are rewritten with the bound values' scales and
 * that text is prepared (server/numeric-params.ts):
 *
 *   SELECT $1::numeric * 2, CAST($2 AS decimal)   --(1.25, 7)-->   SELECT $1::DECIMAL(38,2) * 2, CAST($2 AS DECIMAL(38,0))
 *
 * Only casts written directly on `$n` count; `$1::numeric(10,2)` and `$1::numeric[]` keep their type,
 * and literals (`1.25::numeric`) keep DuckDB's DECIMAL(18,3).
 */

/** DuckDB's widest DECIMAL: every rewritten cast has this precision, so only the scale varies. */
export const NUMERIC_PARAM_PRECISION = 38;

/** One `numeric` / `decimal` type name to replace, and the parameter it casts. */
interface NumericCast {
  param: number;
  /** The type name's span in the text. */
  start: number;
  end: number;
}

const AFTER_COLON_CAST = /^\s*::\s*(numeric|decimal)\b(?!\s*[([.])/i;
const AFTER_CAST_AS = /^\s+AS\s+(numeric|decimal)\s*\)/i;
const BEFORE_CAST = /(?:^|[^\w$])CAST\s*\(\s*$/i;

function numericCasts(sql: string): NumericCast[] {
  const out: NumericCast[] = [];
  forEachParameter(sql, (start, end, param) => {
    const rest = sql.slice(end, end + 64);
    const colon = AFTER_COLON_CAST.exec(rest);
    const cast = colon ? null : AFTER_CAST_AS.exec(rest);
    const m = colon ?? (cast && BEFORE_CAST.test(sql.slice(Math.max(0, start - 64), start)) ? cast : null);
    if (!m) return;
    const nameStart = end + m[0].lastIndexOf(m[1]);
    out.push({ param, start: nameStart, end: nameStart + m[1].length });
  });
  return out;
}

/** The parameters (DuckDB's numbering) cast to unconstrained numeric in this text. */
export function numericCastParameters(sql: string): Set<number> {
  return new Set(numericCasts(sql).map((c) => c.param));
}

/** The text with each unconstrained numeric cast of `$n` made DECIMAL(38, scaleOf(n)). */
export function withNumericScales(sql: string, scaleOf: (param: number) => number): string {
  let out = '';
  let last = 0;
  for (const c of numericCasts(sql)) {
    out += `${sql.slice(last, c.start)}DECIMAL(${NUMERIC_PARAM_PRECISION},${scaleOf(c.param)})`;
    last = c.end;
  }
  return out + sql.slice(last);
}
