import { Lexer, type Token } from '../sql/lexer.js';

/** A statement's tokens, for rules that look both ways. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const lex = new Lexer(sql);
  for (let t = lex.next(); t; t = lex.next()) out.push(t);
  return out;
}

export const isWord = (t: Token | undefined, ...values: string[]): boolean =>
  t !== undefined && (t.type === 'word' || t.type === 'ident') && (values.length === 0 || values.includes(t.value.toLowerCase()));
export const isPunct = (t: Token | undefined, value: string): boolean => t !== undefined && t.type === 'punct' && t.value === value;
export const isOp = (t: Token | undefined, value: string): boolean => t !== undefined && t.type === 'op' && t.value === value;

/** Index of the `)` closing the `(` at `open`, or -1. */
export function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    else if (isPunct(tokens[i], ')') && --depth === 0) return i;
  }
  return -1;
}

/** Index of the `(` opening the `)` at `close`, or -1. */
export function openingParen(tokens: readonly Token[], close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (isPunct(tokens[i], ')')) depth++;
    else if (isPunct(tokens[i], '(') && --depth === 0) return i;
  }
  return -1;
}

/** The first token index of a dotted name ending at `end` (a.b.c), walking back over `.` pairs. */
export function dottedNameStart(tokens: readonly Token[], end: number): number {
  let i = end;
  while (i >= 2 && isPunct(tokens[i - 1], '.') && isWord(tokens[i - 2])) i -= 2;
  return i;
}

/**
 * The first token index of the operand of a postfix cast whose `::` is at `cast`:
 * a literal, parameter, dotted name, parenthesized expression or function call,
 * with any casts already applied to it (`x::int::regclass`). -1 when it is anything else.
 */
export function castOperandStart(tokens: readonly Token[], cast: number): number {
  let end = cast - 1;
  for (;;) {
    const t = tokens[end];
    if (!t) return -1;
    let start: number;
    if (isPunct(t, ')')) {
      start = openingParen(tokens, end);
      if (start < 0) return -1;
      if (isWord(tokens[start - 1]) && !isKeywordBeforeParen(tokens[start - 1])) start = dottedNameStart(tokens, start - 1);
    } else if (isPunct(t, ']')) {
      return -1;
    } else if (t.type === 'string' || t.type === 'number' || t.type === 'param') {
      start = end;
    } else if (isWord(t)) {
      start = dottedNameStart(tokens, end);
    } else {
      return -1;
    }
    if (!isOp(tokens[start - 1], '::')) return start;
    end = start - 2;
  }
}

const NOT_FUNCTIONS = new Set(['in', 'and', 'or', 'not', 'select', 'where', 'on', 'when', 'then', 'else', 'as', 'from', 'any', 'all', 'exists']);
const isKeywordBeforeParen = (t: Token): boolean => t.type === 'word' && NOT_FUNCTIONS.has(t.value);
