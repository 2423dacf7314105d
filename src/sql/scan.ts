/**
 * Character-level scanning primitives shared by the statement splitter and the
 * lexer. Each `skip*` function takes the index of the construct's first
 * character and returns the index just past its end — or `sql.length` when the
 * construct is unterminated, so that the remainder stays one piece and DuckDB
 * reports the syntax error.
 *
 * Lexical rules follow PostgreSQL's scanner (scan.l):
 * https://www.postgresql.org/docs/15/sql-syntax-lexical.html
 */

export const CH = {
  tab: 9,
  lf: 10,
  cr: 13,
  space: 32,
  dquote: 34,
  dollar: 36,
  ampersand: 38,
  squote: 39,
  lparen: 40,
  rparen: 41,
  star: 42,
  minus: 45,
  dot: 46,
  slash: 47,
  zero: 48,
  nine: 57,
  semicolon: 59,
  upperA: 65,
  upperZ: 90,
  backslash: 92,
  underscore: 95,
  lowerA: 97,
  lowerZ: 122,
} as const;

export function isSpace(c: number): boolean {
  // PostgreSQL's whitespace set: space, tab, newline, carriage return, form feed, vertical tab.
  return c === CH.space || (c >= 9 && c <= 13);
}

export function isIdentStart(c: number): boolean {
  return (
    (c >= CH.lowerA && c <= CH.lowerZ) || (c >= CH.upperA && c <= CH.upperZ) || c === CH.underscore || c >= 0x80
  );
}

export function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= CH.zero && c <= CH.nine) || c === CH.dollar;
}

/** '…' with '' as the escaped quote; with `backslashEscapes` (E'…') a backslash escapes any character. */
export function skipSingleQuoted(sql: string, start: number, backslashEscapes: boolean): number {
  const n = sql.length;
  let i = start + 1;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === CH.backslash) {
      i += 2;
    } else if (c === CH.squote) {
      if (sql.charCodeAt(i + 1) === CH.squote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return n;
}

/** "…" identifier with "" as the escaped quote. */
export function skipDoubleQuoted(sql: string, start: number): number {
  const n = sql.length;
  let i = start + 1;
  while (i < n) {
    if (sql.charCodeAt(i) === CH.dquote) {
      if (sql.charCodeAt(i + 1) === CH.dquote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return n;
}

/** `--` to end of line (the newline is not part of the comment). */
export function skipLineComment(sql: string, start: number): number {
  const n = sql.length;
  let i = start + 2;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === CH.lf || c === CH.cr) return i;
    i++;
  }
  return n;
}

/** `/* … *\/`, nested as in PostgreSQL (unlike the SQL standard's C-style comments). */
export function skipBlockComment(sql: string, start: number): number {
  const end = blockCommentEnd(sql, start);
  return end < 0 ? sql.length : end;
}

/** The index past a block comment, or -1 when it is never closed. */
export function blockCommentEnd(sql: string, start: number): number {
  const n = sql.length;
  let depth = 1;
  let i = start + 2;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === CH.slash && sql.charCodeAt(i + 1) === CH.star) {
      depth++;
      i += 2;
    } else if (c === CH.star && sql.charCodeAt(i + 1) === CH.slash) {
      i += 2;
      if (--depth === 0) return i;
    } else {
      i++;
    }
  }
  return -1;
}

/**
 * If a dollar-quote opening tag (`$$` or `$tag$`) starts at `start`, returns the
 * index just past it; otherwise -1. A tag is an identifier without `$` that does
 * not start with a digit, so `$1` (a parameter) is not a tag. The caller checks
 * that the `$` does not continue an identifier (`a$b$` is one identifier).
 */
export function dollarTagEnd(sql: string, start: number): number {
  const n = sql.length;
  let i = start + 1;
  if (i < n && sql.charCodeAt(i) === CH.dollar) return i + 1;
  if (i >= n || !isIdentStart(sql.charCodeAt(i))) return -1;
  i++;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === CH.dollar) return i + 1;
    if (!isIdentChar(c)) return -1;
    i++;
  }
  return -1;
}

/** Skips `$tag$ … $tag$`; `tagEnd` is what dollarTagEnd returned. */
export function skipDollarQuoted(sql: string, start: number, tagEnd: number): number {
  const close = sql.indexOf(sql.slice(start, tagEnd), tagEnd);
  return close < 0 ? sql.length : close + (tagEnd - start);
}

/** True when the character before `i` continues an identifier or number, so a quote or `$` there is not a new token. */
export function continuesWord(sql: string, i: number): boolean {
  return i > 0 && isIdentChar(sql.charCodeAt(i - 1));
}

/**
 * At `i`, an E'…' (or e'…') escape string starts when the E is a word of its own.
 * Returns true if sql[i] is E/e, sql[i+1] is a quote and the E does not continue a word.
 */
export function isEscapeStringStart(sql: string, i: number): boolean {
  const c = sql.charCodeAt(i);
  return (c === 69 || c === 101) && sql.charCodeAt(i + 1) === CH.squote && !continuesWord(sql, i);
}

/**
 * Skips whatever non-code construct starts at `i` (quote, identifier quote,
 * dollar quote, comment). Returns null when sql[i] starts none of them;
 * `comment` lets callers tell a statement of only comments from one with code.
 * An unterminated block comment does not count as a comment: the statement
 * must reach DuckDB so that it reports the error.
 */
export function skipNonCode(sql: string, i: number): { end: number; comment: boolean } | null {
  const c = sql.charCodeAt(i);
  switch (c) {
    case CH.squote:
      return { end: skipSingleQuoted(sql, i, false), comment: false };
    case CH.dquote:
      return { end: skipDoubleQuoted(sql, i), comment: false };
    case CH.minus:
      return sql.charCodeAt(i + 1) === CH.minus ? { end: skipLineComment(sql, i), comment: true } : null;
    case CH.slash: {
      if (sql.charCodeAt(i + 1) !== CH.star) return null;
      const end = blockCommentEnd(sql, i);
      return end < 0 ? { end: sql.length, comment: false } : { end, comment: true };
    }
    case CH.dollar: {
      if (continuesWord(sql, i)) return null;
      const tagEnd = dollarTagEnd(sql, i);
      return tagEnd < 0 ? null : { end: skipDollarQuoted(sql, i, tagEnd), comment: false };
    }
    default:
      if (isEscapeStringStart(sql, i)) return { end: skipSingleQuoted(sql, i + 1, true), comment: false };
      return null;
  }
}
