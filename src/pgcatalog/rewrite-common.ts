import type { Token } from '../sql/lexer.js';
import { PARAMS_BY_KEY } from '../sql/settings-defs.js';
import type { TextReplacement } from '../sql/view-instance-rewrite.js';
import type { ApplySetConfig } from './rewrite.js';
import { isOp, isPunct, isWord } from './tokens.js';

/** The rewrite rules that apply to every statement, catalog or not (rewrite.ts runs them). */

/**
 * PostgreSQL's array input syntax cast to an array type: '{1,2}'::int8[] → '[1,2]'::int8[]
 * (DuckDB reads lists in brackets). Elements with quotes or nested braces are left alone.
 */
export function arrayLiteralCasts(tokens: readonly Token[]): TextReplacement[] {
  const out: TextReplacement[] = [];
  for (let i = 0; i + 2 < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== 'string' || !/^\{[^{}"]*\}$/.test(t.value) || !isOp(tokens[i + 1], '::')) continue;
    let k = i + 2;
    while (k < tokens.length && !isPunct(tokens[k], '[') && (isWord(tokens[k]) || isPunct(tokens[k], '.') || isPunct(tokens[k], '(') || isPunct(tokens[k], ')') || tokens[k].type === 'number' || isPunct(tokens[k], ','))) k++;
    if (!isPunct(tokens[k], '[')) continue;
    out.push({ start: t.start, end: t.end, text: `'[${t.value.slice(1, -1).replace(/'/g, "''")}]'` });
  }
  return out;
}

/**
 * current_setting('x') of a DuckDB setting (not a PostgreSQL parameter, not a dotted custom one) is DuckDB's
 * own function, with DuckDB's typed value:  current_setting('threads')  →  system.main.current_setting('threads')
 */
export function duckdbSettings(tokens: readonly Token[]): TextReplacement[] {
  return tokens
    .filter((t, i) => t.type === 'word' && t.value === 'current_setting' && !isPunct(tokens[i - 1], '.') && isPunct(tokens[i + 1], '(')
      && tokens[i + 2]?.type === 'string' && !PARAMS_BY_KEY.has(tokens[i + 2].value.toLowerCase()) && !tokens[i + 2].value.includes('.'))
    .map((t) => ({ start: t.start, end: t.start, text: 'system.main.' }));
}

/** `::jsonb` / `AS jsonb` → JSON: DuckDB has one JSON type, sent to clients as json. */
export function jsonbCasts(tokens: readonly Token[]): TextReplacement[] {
  return tokens
    .filter((t, i) => t.type === 'word' && t.value === 'jsonb' && (isOp(tokens[i - 1], '::') || (isWord(tokens[i - 1], 'as') && isPunct(tokens[i + 1], ')'))))
    .map((t) => ({ start: t.start, end: t.end, text: 'JSON' }));
}

/**
 * bytea literals in PostgreSQL's hex format: DuckDB reads '\xdeadbeef' in its escape format (byte 0xde, then the
 * characters "adbeef"), so the literal becomes DuckDB's escape form of the same bytes, whichever way it is typed:
 *   '\xdeadbeef'::bytea, CAST('\xdead' AS bytea), bytea '\xdead'  →  '\xDE\xAD\xBE\xEF'::bytea, …
 * Only a well-formed hex literal (pairs of hex digits, whitespace between pairs) is rewritten: anything else
 * ('\x20\x00'::BYTEA, DuckDB's own escape form) keeps DuckDB's meaning (docs/decisions.md).
 */
export function byteaHexLiterals(tokens: readonly Token[]): TextReplacement[] {
  const out: TextReplacement[] = [];
  tokens.forEach((t, i) => {
    if (t.type !== 'string' || !HEX_FORMAT.test(t.value) || !typedBytea(tokens, i)) return;
    const bytes = t.value.slice(2).replace(/\s+/g, '').toUpperCase().replace(/(..)/g, '\\x$1');
    out.push({ start: t.start, end: t.end, text: `'${bytes}'` });
  });
  return out;
}

/** PostgreSQL's hex format as byteain reads it: `\x`, then pairs of hex digits with optional whitespace between pairs. */
const HEX_FORMAT = /^\\x\s*(?:[0-9a-fA-F]{2}\s*)*$/;

function typedBytea(tokens: readonly Token[], i: number): boolean {
  const castTo = (k: number): boolean => isWord(tokens[k], 'bytea') || (isWord(tokens[k], 'pg_catalog') && isPunct(tokens[k + 1], '.') && isWord(tokens[k + 2], 'bytea'));
  if (isOp(tokens[i + 1], '::') && castTo(i + 2)) return true;
  if (isWord(tokens[i + 1], 'as') && castTo(i + 2) && isPunct(tokens[i - 1], '(') && isWord(tokens[i - 2], 'cast')) return true;
  return tokens[i - 1]?.type === 'word' && tokens[i - 1].value === 'bytea';
}

/** set_config('name', 'value', true|false): applied to the session now, the call replaced by its result. */
export function setConfigCalls(tokens: readonly Token[], apply: ApplySetConfig): TextReplacement[] {
  const out: TextReplacement[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!isWord(tokens[i], 'set_config') || !isPunct(tokens[i + 1], '(')) continue;
    const [name, c1, value, c2, local, close] = tokens.slice(i + 2, i + 8);
    if (name?.type !== 'string' || !isPunct(c1, ',') || value?.type !== 'string' || !isPunct(c2, ',') || !isWord(local, 'true', 'false') || !isPunct(close, ')')) continue;
    const start = isPunct(tokens[i - 1], '.') && isWord(tokens[i - 2], 'pg_catalog') ? tokens[i - 2].start : tokens[i].start;
    const result = apply({ name: name.value, value: value.value, isLocal: local.value.toLowerCase() === 'true' });
    out.push({ start, end: close.end, text: `'${result.replace(/'/g, "''")}'` });
    i += 7;
  }
  return out;
}

/**
 * `public.t` → `main.t`: pg_catalog lists the session's tables in schema public, as PostgreSQL clients
 * expect; DuckDB has no such schema and keeps them in the session catalog's main (docs/decisions.md).
 */
export function publicSchema(tokens: readonly Token[]): TextReplacement[] {
  return tokens
    .filter((t, i) => isWord(t, 'public') && isPunct(tokens[i + 1], '.') && isWord(tokens[i + 2]) && !isPunct(tokens[i - 1], '.'))
    .map((t) => ({ start: t.start, end: t.end, text: 'main' }));
}
