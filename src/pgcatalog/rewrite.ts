import type { Token } from '../sql/lexer.js';
import { mentionsView, type ViewDefs } from '../sql/views-in-query.js';
import { applyReplacements, type TextReplacement } from '../sql/view-instance-rewrite.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { INFO_SCHEMA } from './model.js';
import { INFORMATION_SCHEMA_COLUMNS } from './info-columns.js';
import { PG_CATALOG_COLUMNS } from './pg-columns.js';
import { selectListAt } from './column-names.js';
import { arrayLiteralCasts, byteaHexLiterals, duckdbSettings, jsonbCasts, publicSchema, setConfigCalls } from './rewrite-common.js';
import { castOperandStart, closingParen, isOp, isPunct, isWord, tokenize } from './tokens.js';

/**
 * PostgreSQL catalog SQL → SQL DuckDB runs over the emulation. Each rule is
 * a token-level rewrite of one construct DuckDB cannot parse or gives another
 * meaning; every byte outside the rewritten constructs is kept.
 *
 * Catalog rules apply only to catalog statements (statements that name
 * pg_catalog, information_schema, an emulated pg_* relation or a reg* type)
 * and to statements over the telemetry views, so DuckDB's own dialect
 * (`'aaa' ~ '^a'` is a full match in DuckDB) is unchanged everywhere else.
 * The rules of rewrite-common.ts apply to every statement: PostgreSQL array
 * literals cast to an array type, bytea literals in hex format, ::jsonb, current_setting() of DuckDB
 * settings, `public.` and set_config() calls with constant arguments.
 */
export interface SetConfigCall {
  name: string;
  value: string;
  isLocal: boolean;
}

export interface PgRewrite {
  sql: string;
  /** The statement reads the emulated catalog. */
  catalog: boolean;
}

/** Applies a set_config() call to the session; returns the new value. */
export type ApplySetConfig = (call: SetConfigCall) => string;

const CATALOG_RELATIONS = new Set(Object.keys(PG_CATALOG_COLUMNS));
const INFO_RELATIONS = new Set(Object.keys(INFORMATION_SCHEMA_COLUMNS));
const REG_TYPES = new Set(['regclass', 'regtype', 'regproc', 'regprocedure', 'regnamespace', 'regrole', 'regoper', 'regoperator', 'regcollation', 'regconfig']);

export function isCatalogStatement(tokens: readonly Token[]): boolean {
  return tokens.some((t) => isWord(t) && (t.value.toLowerCase() === 'pg_catalog' || t.value.toLowerCase() === 'information_schema'
    || CATALOG_RELATIONS.has(t.value.toLowerCase()) || REG_TYPES.has(t.value.toLowerCase())));
}

/**
 * `views`: the telemetry views; statements that read them are written by PostgreSQL clients for Sirius, so
 * they get PostgreSQL's semantics too (`msg ~ 'timeout'` searches, as in PostgreSQL).
 */
export function rewritePgSql(sql: string, applySetConfig: ApplySetConfig | null = null, views: ViewDefs | null = null): PgRewrite {
  const tokens = tokenize(sql);
  let text = applyReplacements(sql, [...arrayLiteralCasts(tokens), ...byteaHexLiterals(tokens), ...jsonbCasts(tokens), ...duckdbSettings(tokens), ...publicSchema(tokens), ...(applySetConfig ? setConfigCalls(tokens, applySetConfig) : [])]);
  if (!isCatalogStatement(tokens) && !(views && mentionsView(sql, views))) return { sql: text, catalog: false };
  for (const rule of [qualifiersOperatorsCollations, functionsInFrom, formatCalls, regexOperators, regCasts, oidCasts, textNulls]) {
    text = applyReplacements(text, rule(text, tokenize(text)));
  }
  return { sql: text, catalog: true };
}

/**
 * `OPERATOR(pg_catalog.~)` → `~`; `pg_catalog.x` → `x` (the emulation schema is on the search path);
 * `information_schema.x` → the emulation's x; `COLLATE pg_catalog.default` → nothing (DuckDB has no such
 * collation and the catalog has one); `::"char"` → `::VARCHAR`.
 */
function qualifiersOperatorsCollations(sql: string, tokens: readonly Token[]): TextReplacement[] {
  const out: TextReplacement[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isWord(t, 'operator') && t.type === 'word' && isPunct(tokens[i + 1], '(')) {
      const close = closingParen(tokens, i + 1);
      let first = i + 2;
      if (isWord(tokens[first]) && isPunct(tokens[first + 1], '.')) first += 2;
      if (close < 0 || first >= close) throw notSupported('this OPERATOR() form');
      out.push({ start: t.start, end: tokens[close].end, text: ` ${text(sql, tokens, first, close)} ` });
      i = close;
    } else if (isWord(t, 'collate') && t.type === 'word') {
      let last = i + 1;
      if (isPunct(tokens[last + 1], '.')) last += 2;
      if (!isWord(tokens[last])) throw notSupported('this COLLATE clause');
      out.push({ start: t.start, end: tokens[last].end, text: '' });
      i = last;
    } else if (isWord(t, 'pg_catalog') && isPunct(tokens[i + 1], '.') && !isPunct(tokens[i - 1], '.')) {
      out.push({ start: t.start, end: tokens[i + 1].end, text: '' });
      i++;
    } else if (isWord(t, 'information_schema') && isPunct(tokens[i + 1], '.') && !isPunct(tokens[i - 1], '.')) {
      const name = tokens[i + 2]?.value.toLowerCase() ?? '';
      if (!INFO_RELATIONS.has(name) && name !== '_pg_expandarray') throw notSupported(`information_schema.${name}`, SqlState.UndefinedTable);
      out.push({ start: t.start, end: tokens[i + 1].end, text: `${INFO_SCHEMA}.` });
      i++;
    } else if (isOp(t, '::') && tokens[i + 1]?.type === 'ident' && tokens[i + 1].value === 'char') {
      out.push({ start: tokens[i + 1].start, end: tokens[i + 1].end, text: 'VARCHAR' });
    }
  }
  return out;
}

/**
 * `generate_series(…) s` in FROM → `(SELECT unnest(generate_series(…)) AS s) AS s` and `string_to_array(…) s` →
 * `(SELECT string_to_array(…) AS s) AS s`: PostgreSQL names the column of a function in FROM after its alias, and
 * DuckDB's table functions take no subqueries as arguments (current_setting() is one here).
 */
function functionsInFrom(sql: string, tokens: readonly Token[]): TextReplacement[] {
  const out: TextReplacement[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isWord(t, 'string_to_array') && isPunct(tokens[i + 1], '(') && isFromItem(tokens, i)) {
      // a scalar function in FROM is a one-row relation whose column is named after the alias
      const close = closingParen(tokens, i + 1);
      let alias = close + 1;
      if (isWord(tokens[alias], 'as') && tokens[alias].type === 'word') alias++;
      const a = tokens[alias];
      if (close < 0 || !a || !(a.type === 'ident' || (a.type === 'word' && !CLAUSE_WORDS.has(a.value)))) throw notSupported('string_to_array() in FROM without an alias');
      const name = sql.slice(a.start, a.end);
      out.push({ start: t.start, end: a.end, text: `(SELECT ${text(sql, tokens, i, close + 1)} AS ${name}) AS ${name}` });
      i = alias;
    } else if (isWord(t, 'generate_series') && isPunct(tokens[i + 1], '(') && isFromItem(tokens, i)) {
      // DuckDB's table function takes no subqueries as arguments (current_setting() is one here): the list form
      // does, unnested; the column is named after the alias as in PostgreSQL
      const close = closingParen(tokens, i + 1);
      let alias = close + 1;
      if (isWord(tokens[alias], 'as') && tokens[alias].type === 'word') alias++;
      const a = tokens[alias];
      if (close < 0 || !a || !(a.type === 'ident' || (a.type === 'word' && !CLAUSE_WORDS.has(a.value)))) continue;
      let column = sql.slice(a.start, a.end);
      let end = alias;
      if (isPunct(tokens[alias + 1], '(') && isWord(tokens[alias + 2]) && isPunct(tokens[alias + 3], ')')) {
        column = sql.slice(tokens[alias + 2].start, tokens[alias + 2].end);
        end = alias + 3;
      }
      out.push({ start: t.start, end: tokens[end].end, text: `(SELECT unnest(generate_series${text(sql, tokens, i + 1, close + 1)}) AS ${column}) AS ${sql.slice(a.start, a.end)}` });
      i = end;
    }
  }
  return out;
}

const CLAUSE_WORDS = new Set(['where', 'join', 'left', 'right', 'inner', 'full', 'cross', 'on', 'using', 'group', 'order', 'limit', 'union', 'natural', 'having', 'window', 'offset', 'as', 'from', 'and', 'or']);

/** generate_series used as a table: the token before it is FROM, JOIN or a comma in a FROM list. */
function isFromItem(tokens: readonly Token[], i: number): boolean {
  if (isPunct(tokens[i - 1], '.') && isWord(tokens[i - 2], 'pg_catalog')) i -= 2;
  return isWord(tokens[i - 1], 'from', 'join') || (isPunct(tokens[i - 1], ',') && tokens.slice(0, i).some((t) => isWord(t, 'from')));
}

/**
 * PostgreSQL's format() (DuckDB's takes {} placeholders) with a literal format string:
 *   format('%I.%I', s, t)  →  (quote_ident(CAST(s AS VARCHAR)) || '.' || quote_ident(CAST(t AS VARCHAR)))
 * %s, %I, %L and %% are supported; positions and widths are not.
 */
function formatCalls(sql: string, tokens: readonly Token[]): TextReplacement[] {
  const out: TextReplacement[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!(tokens[i].type === 'word' && tokens[i].value === 'format') || !isPunct(tokens[i + 1], '(') || tokens[i + 2]?.type !== 'string') continue;
    const close = closingParen(tokens, i + 1);
    const args: string[] = [];
    let depth = 0;
    let from = i + 4;
    for (let k = i + 3; k <= close; k++) {
      if (isPunct(tokens[k], '(')) depth++;
      else if (isPunct(tokens[k], ')') && k < close) depth--;
      if (k === close || (depth === 0 && isPunct(tokens[k], ','))) {
        if (k > i + 3) args.push(text(sql, tokens, from, k));
        from = k + 1;
      }
    }
    const parts: string[] = [];
    const format = tokens[i + 2].value;
    let n = 0;
    for (const piece of format.split(/(%.)/)) {
      if (piece === '%%') parts.push("'%'");
      else if (piece === '%s' || piece === '%I' || piece === '%L') {
        const arg = args[n++];
        if (arg === undefined) throw new PgError(SqlState.InvalidParameterValue, 'too few arguments for format()');
        const v = `CAST(${arg} AS VARCHAR)`;
        parts.push(piece === '%s' ? `coalesce(${v}, '')` : piece === '%I' ? `quote_ident(${v})` : `coalesce('''' || replace(${v}, '''', '''''') || '''', 'NULL')`);
      } else if (piece.startsWith('%')) throw notSupported(`format() specifier "${piece}"`);
      else if (piece !== '') parts.push(`'${piece.replace(/'/g, "''")}'`);
    }
    out.push({ start: tokens[i].start, end: tokens[close].end, text: `(${parts.join(' || ') || "''"})` });
    i = close;
  }
  return out;
}

/**
 * PostgreSQL's regular-expression match (`~`, `~*`, `!~`, `!~*`) finds the pattern anywhere; DuckDB's `~`
 * must match the whole string. The pattern becomes `(?s:.*)(?:pattern)(?s:.*)` (with `(?i)` for the
 * case-insensitive forms):  n.nspname !~ '^pg_'  →  n.nspname !~ ('(?s:.*)(?:' || '^pg_' || ')(?s:.*)')
 */
function regexOperators(sql: string, tokens: readonly Token[]): TextReplacement[] {
  const out: TextReplacement[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let j = i;
    const negated = isOp(tokens[j], '!') && isOp(tokens[j + 1], '~') && tokens[j + 1].start === tokens[j].end;
    if (negated) j++;
    if (!isOp(tokens[j], '~')) continue;
    const insensitive = isOp(tokens[j + 1], '*') && tokens[j + 1].start === tokens[j].end;
    if (insensitive) j++;
    const operand = tokens[j + 1];
    let end = j + 1;
    if (isPunct(operand, '(')) end = closingParen(tokens, j + 1);
    else if (!operand || !(operand.type === 'string' || operand.type === 'param' || isWord(operand))) {
      throw notSupported('a regular expression match whose pattern is not a literal, parameter, column, function call or parenthesized expression');
    }
    while (isPunct(tokens[end + 1], '.') && isWord(tokens[end + 2])) end += 2;
    if (isWord(tokens[end]) && isPunct(tokens[end + 1], '(')) end = closingParen(tokens, end + 1);
    if (end < 0) throw notSupported('an unbalanced regular expression pattern');
    const pattern = text(sql, tokens, j + 1, end + 1);
    out.push({ start: tokens[i].start, end: tokens[end].end, text: `${negated ? '!~' : '~'} ('${insensitive ? '(?i)' : ''}(?s:.*)(?:' || ${pattern} || ')(?s:.*)')` });
    i = end;
  }
  return out;
}

/**
 * `x::regclass` and the other reg* casts. A literal or parameter becomes the OID it names ('pg_class'::regclass = 1259);
 * any other operand becomes the name of the object it is the OID of, which is what PostgreSQL prints
 * (c.oid::regclass::text), unless `::oid` follows. 'pg_catalog.array_in'::regproc becomes 'array_in'
 * (pg_type.typinput holds function names).
 */
function regCasts(sql: string, tokens: readonly Token[]): TextReplacement[] {
  const out: TextReplacement[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!isOp(tokens[i], '::')) continue;
    const type = tokens[i + 1]?.value.toLowerCase() ?? '';
    if (!REG_TYPES.has(type) || !isWord(tokens[i + 1])) continue;
    const start = castOperandStart(tokens, i);
    if (start < 0) throw notSupported(`this ::${type} cast`);
    const operand = text(sql, tokens, start, i);
    const literal = start === i - 1 && tokens[start].type === 'string' ? tokens[start].value : null;
    // a parameter is text input, like a literal: $1::regtype is the type $1 names (psycopg's TypeInfo.fetch)
    const input = literal !== null || (start === i - 1 && tokens[start].type === 'param');
    const toOid = input || (isOp(tokens[i + 2], '::') && isWord(tokens[i + 3], 'oid'));
    const typed = input && literal === null ? `CAST(${operand} AS VARCHAR)` : operand;
    out.push({ start: tokens[start].start, end: tokens[i + 1].end, text: regCast(type, typed, literal, toOid) });
    i++;
  }
  return out;
}

function regCast(type: string, operand: string, literal: string | null, toOid: boolean): string {
  switch (type) {
    case 'regclass': case 'regtype': case 'regnamespace':
      return `sirius_${type}_${toOid ? 'oid' : 'name'}(${operand})`;
    case 'regproc': case 'regprocedure':
      return literal !== null ? `'${literal.replace(/^pg_catalog\./, '').replace(/\(.*$/, '').replace(/'/g, "''")}'` : `CAST(${operand} AS VARCHAR)`;
    case 'regrole':
      if (literal === null) return `sirius_regrole_name(${operand})`;
      break;
  }
  throw notSupported(`::${type} casts of ${literal === null ? 'expressions' : 'literals'}`);
}

/**
 * `::oid`, `::oid[]`, `CAST(x AS oid)` → UINTEGER, which is sent as oid (DuckDB's own `oid` is BIGINT, sent
 * as int8): asyncpg binds `$1::oid[]` in its type introspection and has built-in codecs for oid[] but not
 * int8[], so an int8[] parameter sends it introspecting its own introspection query.
 */
function oidCasts(_sql: string, tokens: readonly Token[]): TextReplacement[] {
  return tokens
    .filter((t, i) => isWord(t, 'oid') && t.type === 'word'
      && (isOp(tokens[i - 1], '::') || (isWord(tokens[i - 1], 'as') && (isPunct(tokens[i + 1], ')') || isPunct(tokens[i + 1], '[')))))
    .map((t) => ({ start: t.start, end: t.end, text: 'UINTEGER' }));
}

/**
 * A NULL select-list item is text in PostgreSQL and INTEGER in DuckDB:
 *   SELECT NULL AS TABLE_CAT, …  →  SELECT CAST(NULL AS VARCHAR) AS TABLE_CAT, …
 */
function textNulls(_sql: string, tokens: readonly Token[]): TextReplacement[] {
  const out: TextReplacement[] = [];
  tokens.forEach((t, i) => {
    for (const item of selectListAt(tokens, i) ?? []) {
      const alias = item.length === 1 || (item.length === 2 && isWord(item[1])) || (item.length === 3 && isWord(item[1], 'as'));
      if (item[0].type === 'word' && item[0].value === 'null' && alias) out.push({ start: item[0].start, end: item[0].end, text: 'CAST(NULL AS VARCHAR)' });
    }
  });
  return out;
}

/** The source text of tokens [from, to). */
function text(sql: string, tokens: readonly Token[], from: number, to: number): string {
  return sql.slice(tokens[from].start, tokens[to - 1].end);
}

function notSupported(what: string, code: string = SqlState.FeatureNotSupported): PgError {
  return new PgError(code, code === SqlState.UndefinedTable ? `relation "${what}" does not exist` : `${what} is not supported by Sirius's pg_catalog emulation`);
}
