import type { Token } from '../sql/lexer.js';
import { closingParen, isOp, isPunct, isWord, tokenize } from './tokens.js';

/**
 * The names PostgreSQL gives result columns (FigureColname in parse_target.c):
 * a function call is named after the function (`count(*)` → count, DuckDB says
 * count_star()), a cast without a better name after the type (`1::int` → int4),
 * CASE → case, anything else without a name → ?column?. Names come from the
 * statement's own select list, so only statements whose columns map one to one
 * onto it get names: null for anything else (a `*`, not a SELECT, …), and the
 * columns keep DuckDB's names.
 */
export function pgColumnNames(sql: string, columnCount: number): string[] | null {
  const tokens = tokenize(sql);
  if (isWord(tokens[0], 'values') && tokens[0].type === 'word') return Array.from({ length: columnCount }, (_, i) => `column${i + 1}`);
  const items = selectList(tokens);
  if (!items || items.length !== columnCount) return null;
  const names: string[] = [];
  for (const item of items) {
    const name = itemName(item);
    if (name === null) return null;
    names.push(name);
  }
  return names;
}

const END_OF_LIST = new Set(['from', 'where', 'group', 'having', 'window', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'into', 'fetch', 'for', 'qualify']);

/** The items of the first top-level select list, as token slices; null when the statement is no plain SELECT. */
function selectList(tokens: readonly Token[]): Token[][] | null {
  let i = 0;
  while (isPunct(tokens[i], '(')) i++;
  if (isWord(tokens[i], 'with') && tokens[i].type === 'word') {
    let depth = 0;
    for (i++; i < tokens.length; i++) {
      if (isPunct(tokens[i], '(')) depth++;
      else if (isPunct(tokens[i], ')')) depth--;
      else if (depth === 0 && tokens[i].type === 'word' && tokens[i].value === 'select') break;
    }
  }
  return selectListAt(tokens, i);
}

/** The items of the select list of the SELECT keyword at `at`, as token slices; null when there is none. */
export function selectListAt(tokens: readonly Token[], at: number): Token[][] | null {
  if (!(tokens[at]?.type === 'word' && tokens[at].value === 'select')) return null;
  let i = at + 1;
  if (isWord(tokens[i], 'all')) i++;
  else if (isWord(tokens[i], 'distinct')) {
    i++;
    if (isWord(tokens[i], 'on') && isPunct(tokens[i + 1], '(')) i = closingParen(tokens, i + 1) + 1;
  }
  const items: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (isPunct(t, '(') || isPunct(t, '[')) depth++;
    else if (isPunct(t, ')') || isPunct(t, ']')) {
      if (--depth < 0) break;
    } else if (depth === 0 && (isPunct(t, ';') || (t.type === 'word' && END_OF_LIST.has(t.value)))) break;
    if (depth === 0 && isPunct(t, ',')) {
      items.push(current);
      current = [];
      continue;
    }
    current.push(t);
  }
  if (current.length > 0) items.push(current);
  return items.length > 0 ? items : null;
}

/** An item's alias, or PostgreSQL's name for it; null for a star (the columns cannot be matched to items). */
function itemName(item: Token[]): string | null {
  const last = item[item.length - 1];
  if (item.some((t, i) => isOp(t, '*') && (i === 0 || isPunct(item[i - 1], '.')))) return null;
  if (item.some((t, i) => isWord(t, 'columns') && isPunct(item[i + 1], '('))) return null;
  const before = item[item.length - 2];
  if (isWord(before, 'as') && before.type === 'word' && isWord(last)) return last.value;
  if (item.length >= 2 && isWord(last) && !NOT_ALIAS.has(last.type === 'word' ? last.value : '') && before
    && (isPunct(before, ')') || isWord(before) || before.type === 'string' || before.type === 'number' || before.type === 'param')
    && !isWord(before, 'over')) {
    return last.value;
  }
  return figure(item).name;
}

/** Words that end an expression rather than alias it. */
const NOT_ALIAS = new Set(['end', 'null', 'true', 'false', 'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'zone', 'varying', 'precision']);
const TYPE_PREFIXES = new Set(['interval', 'date', 'time', 'timestamp', 'timestamptz', 'json', 'jsonb', 'uuid', 'bytea', 'numeric', 'text']);

interface Figured {
  name: string;
  /** FigureColnameInternal's strength: 2 a real name, 1 a fallback (CASE, a type name), 0 none. */
  strength: number;
}

const NONE: Figured = { name: '?column?', strength: 0 };

/** PostgreSQL's name for an expression. */
function figure(e: Token[]): Figured {
  if (e.length === 0) return NONE;
  const first = e[0];
  const last = e[e.length - 1];
  if (isPunct(first, '(') && closingParen(e, 0) === e.length - 1) {
    const inner = e.slice(1, -1);
    if (!isWord(inner[0], 'select', 'with')) return figure(inner);
    const items = selectList(inner);
    const name = items && items.length > 0 ? itemName(items[0]) : null;
    return name === null || name === '?column?' ? NONE : { name, strength: 2 };
  }
  const cast = lastTopLevelCast(e);
  if (cast > 0) {
    const inner = figure(e.slice(0, cast));
    if (inner.strength > 1) return inner;
    const type = typeName(e.slice(cast + 1));
    return type ? { name: type, strength: 1 } : inner;
  }
  if (isPunct(last, ']') && !isWord(first, 'array')) {
    const open = matchingBracket(e);
    if (open > 0) return figure(e.slice(0, open));
  }
  if (first.type === 'word' && e.length === 2 && e[1].type === 'string' && TYPE_PREFIXES.has(first.value)) return { name: typeName([first])!, strength: 1 };
  if (first.type === 'word' && first.value === 'case' && isWord(last, 'end')) {
    const otherwise = caseElse(e);
    const result = otherwise ? figure(otherwise) : NONE;
    return result.strength > 1 ? result : { name: 'case', strength: 1 };
  }
  if (first.type === 'word' && (first.value === 'array' || first.value === 'exists' || first.value === 'row') && e.length > 1) return { name: first.value, strength: 2 };
  if (e.length === 1 && first.type === 'word' && (first.value === 'true' || first.value === 'false' || first.value === 'null')) return NONE;
  if (first.type === 'word' && first.value === 'cast' && isPunct(e[1], '(') && closingParen(e, 1) === e.length - 1) {
    const as = e.findIndex((t, i) => i > 1 && isWord(t, 'as') && t.type === 'word');
    if (as < 0) return NONE;
    const inner = figure(e.slice(2, as));
    const type = typeName(e.slice(as + 1, -1));
    return inner.strength > 1 || !type ? inner : { name: type, strength: 1 };
  }
  let i = 0;
  while (isWord(e[i]) && isPunct(e[i + 1], '.') && isWord(e[i + 2])) i += 2;
  if (!isWord(e[i])) return NONE;
  if (i === e.length - 1) return { name: e[i].value, strength: 2 };
  if (isPunct(e[i + 1], '(')) {
    const close = closingParen(e, i + 1);
    const rest = e.slice(close + 1);
    if (close > 0 && (rest.length === 0 || isWord(rest[0], 'over', 'filter', 'within'))) return { name: e[i].value, strength: 2 };
  }
  return NONE;
}

/** The ELSE result of a CASE … END expression (nested CASEs skipped), or null. */
function caseElse(e: Token[]): Token[] | null {
  let depth = 0;
  for (let i = 0; i < e.length; i++) {
    const t = e[i];
    if (isPunct(t, '(') || (t.type === 'word' && t.value === 'case')) depth++;
    else if (isPunct(t, ')') || (t.type === 'word' && t.value === 'end')) depth--;
    else if (depth === 1 && t.type === 'word' && t.value === 'else') return e.slice(i + 1, -1);
  }
  return null;
}

/** The last `::` outside parentheses, brackets and CASE … END, unless an operator makes the expression something else. */
function lastTopLevelCast(e: Token[]): number {
  let depth = 0;
  let found = -1;
  for (let i = 0; i < e.length; i++) {
    const t = e[i];
    if (isPunct(t, '(') || isPunct(t, '[') || (t.type === 'word' && t.value === 'case')) depth++;
    else if (isPunct(t, ')') || isPunct(t, ']') || (t.type === 'word' && t.value === 'end')) depth--;
    else if (depth === 0 && isOp(t, '::')) found = i;
    else if (depth === 0 && (t.type === 'op' || (t.type === 'word' && OPERATOR_WORDS.has(t.value)))) return -1;
  }
  return found;
}

const OPERATOR_WORDS = new Set(['and', 'or', 'is', 'not', 'in', 'like', 'ilike', 'between', 'collate', 'at']);

function matchingBracket(e: Token[]): number {
  let depth = 0;
  for (let i = e.length - 1; i >= 0; i--) {
    if (isPunct(e[i], ']')) depth++;
    else if (isPunct(e[i], '[') && --depth === 0) return i;
  }
  return -1;
}

/** PostgreSQL's internal name of a type as written (`integer` → int4), the last part of a qualified name. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  int: 'int4', integer: 'int4', smallint: 'int2', bigint: 'int8', real: 'float4', float: 'float8', double: 'float8',
  boolean: 'bool', decimal: 'numeric', dec: 'numeric', character: 'bpchar', char: 'bpchar', varchar: 'varchar',
  timestamptz: 'timestamptz', timetz: 'timetz',
};

function typeName(t: Token[]): string | null {
  const words = t.filter((x) => isWord(x));
  if (words.length === 0) return null;
  const first = words[0];
  if (first.type === 'ident') return words[words.length - 1].value;
  const all = words.map((w) => w.value).join(' ');
  if (all.startsWith('timestamp with time zone')) return 'timestamptz';
  if (all.startsWith('time with time zone')) return 'timetz';
  if (all.startsWith('character varying')) return 'varchar';
  if (all.startsWith('double precision')) return 'float8';
  let i = 0;
  while (isPunct(t[i + 1], '.') && isWord(t[i + 2])) i += 2;
  const name = t[i].value;
  return TYPE_NAMES[name] ?? name;
}
