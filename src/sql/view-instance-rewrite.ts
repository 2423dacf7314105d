import { Lexer } from './lexer.js';

/**
 * Rule: a `view_instance('<set>', '<id>')` table function becomes a quoted
 * identifier.
 *
 * Breaks: DuckDB has no view_instance table function; the server instead
 * defines a TEMP VIEW per referenced view instance over exactly the
 * partitions the query needs, and names it so that the statement finds it:
 *
 *   SELECT * FROM view_instance('log_entries', 'p1') l WHERE l.level <= 2
 *   -->  SELECT * FROM "view_instance:log_entries:p1" l WHERE l.level <= 2
 *
 * Only the call's own text changes; every other byte of the statement
 * (comments, spacing, casing) is kept.
 */
export function viewInstanceTableName(viewSet: string, instanceId: string): string {
  return `view_instance:${viewSet}:${instanceId}`;
}

/** A DuckDB/PostgreSQL quoted identifier: double quotes inside are doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export interface TextReplacement {
  /** JavaScript string indexes into the statement; [start, end) is replaced. */
  start: number;
  end: number;
  text: string;
}

/**
 * The index just past the `)` that closes the view_instance call whose name
 * starts at `start`. Quotes and comments are skipped by the lexer, so a `)`
 * inside an argument string does not end the call.
 */
export function viewInstanceCallEnd(sql: string, start: number): number {
  const lex = new Lexer(sql.slice(start));
  const name = lex.next();
  if (!name || (name.type !== 'word' && name.type !== 'ident') || name.value.toLowerCase() !== 'view_instance') {
    throw new Error(`no view_instance call at offset ${start} of the statement`);
  }
  const open = lex.next();
  if (!open || open.type !== 'punct' || open.value !== '(') {
    throw new Error(`view_instance at offset ${start} is not followed by "("`);
  }
  let depth = 1;
  for (let t = lex.next(); t; t = lex.next()) {
    if (t.type !== 'punct') continue;
    if (t.value === '(') depth++;
    else if (t.value === ')' && --depth === 0) return start + t.end;
  }
  throw new Error(`view_instance call at offset ${start} is not closed`);
}

/** Applies non-overlapping replacements; the text between them is copied unchanged. */
export function applyReplacements(sql: string, replacements: readonly TextReplacement[]): string {
  const sorted = [...replacements].sort((a, b) => a.start - b.start);
  let out = '';
  let last = 0;
  for (const r of sorted) {
    if (r.start < last) throw new Error(`overlapping replacements at offset ${r.start}`);
    out += sql.slice(last, r.start) + r.text;
    last = r.end;
  }
  return out + sql.slice(last);
}
