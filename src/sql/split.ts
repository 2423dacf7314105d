import { CH, isIdentChar, isSpace, skipNonCode } from './scan.js';

export interface SplitStatement {
  /** The statement without surrounding whitespace or its terminating semicolon (comments inside are kept). */
  text: string;
  /** Index of `text` in the original string, to turn a statement-relative error position into a query-relative one. */
  offset: number;
}

/**
 * Splits a simple-query string into statements at top-level semicolons,
 * ignoring semicolons inside quotes, identifiers, dollar quotes and comments.
 * Statements that are empty or only comments are dropped, so an empty result
 * means the whole string was empty: the server answers EmptyQueryResponse
 * ("", ";", "-- ping"), as PostgreSQL does.
 * https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-SIMPLE-QUERY
 *
 * An unterminated quote or comment swallows the rest of the string into the
 * current statement, so DuckDB sees it and reports the syntax error.
 */
export function splitStatements(sql: string): SplitStatement[] {
  const out: SplitStatement[] = [];
  const n = sql.length;
  let start = -1; // first non-space character of the current statement
  let end = -1; // just past its last non-space character
  let hasCode = false;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === CH.semicolon) {
      if (hasCode) out.push({ text: sql.slice(start, end), offset: start });
      start = -1;
      hasCode = false;
      i++;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (start < 0) start = i;
    const skipped = skipNonCode(sql, i);
    if (skipped) {
      if (!skipped.comment) hasCode = true;
      i = skipped.end;
    } else {
      hasCode = true;
      i = isIdentChar(c) ? skipWord(sql, i) : i + 1;
    }
    end = i;
  }
  if (hasCode) out.push({ text: sql.slice(start, end), offset: start });
  return out;
}

/** A run of identifier characters; an E'…' start is never inside one because skipNonCode saw the E first. */
function skipWord(sql: string, i: number): number {
  const n = sql.length;
  i++;
  while (i < n && isIdentChar(sql.charCodeAt(i))) i++;
  return i;
}
