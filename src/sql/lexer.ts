import {
  CH,
  continuesWord,
  dollarTagEnd,
  isEscapeStringStart,
  isIdentChar,
  isIdentStart,
  isSpace,
  skipBlockComment,
  skipDollarQuoted,
  skipDoubleQuoted,
  skipLineComment,
  skipSingleQuoted,
} from './scan.js';

/**
 * word: unquoted identifier or keyword, `value` folded to lower case as PostgreSQL does;
 * ident: "quoted identifier", `value` unescaped; string: any string literal, `value` decoded;
 * number: numeric literal as written; param: $n; op: operator characters; punct: ( ) , ; [ ] .
 */
export type TokenType = 'word' | 'ident' | 'string' | 'number' | 'param' | 'op' | 'punct';

export interface Token {
  type: TokenType;
  value: string;
  /** Offsets into the lexed text, for error positions. */
  start: number;
  end: number;
  /** For strings: false when the literal was not terminated (the value is then what was read). */
  closed?: boolean;
  /** For numbers: letters run on from the digits ("5s"), which PostgreSQL 15 rejects as trailing junk. */
  junk?: boolean;
}

const PUNCT_CHARS = '(),;[].';

/**
 * A pull lexer over one statement: comments and whitespace are skipped, every
 * other character belongs to some token, so callers can walk a statement
 * without regular expressions. https://www.postgresql.org/docs/15/sql-syntax-lexical.html
 */
export class Lexer {
  private pos = 0;
  private peeked: Token | null = null;

  constructor(readonly text: string) {}

  peek(): Token | null {
    if (this.peeked === null) this.peeked = this.read();
    return this.peeked;
  }

  next(): Token | null {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  private skipTrivia(): void {
    const s = this.text;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (isSpace(c)) this.pos++;
      else if (c === CH.minus && s.charCodeAt(this.pos + 1) === CH.minus) this.pos = skipLineComment(s, this.pos);
      else if (c === CH.slash && s.charCodeAt(this.pos + 1) === CH.star) this.pos = skipBlockComment(s, this.pos);
      else return;
    }
  }

  private read(): Token | null {
    this.skipTrivia();
    const s = this.text;
    const start = this.pos;
    if (start >= s.length) return null;
    const c = s.charCodeAt(start);
    if (c === CH.squote) return this.stringToken(start, start, false);
    if (isEscapeStringStart(s, start)) return this.stringToken(start, start + 1, true);
    if (c === CH.dquote) {
      const end = skipDoubleQuoted(s, start);
      const closed = end > start + 1 && s.charCodeAt(end - 1) === CH.dquote;
      const inner = s.slice(start + 1, closed ? end - 1 : end).replaceAll('""', '"');
      return this.token('ident', inner, start, end);
    }
    if (c === CH.dollar) return this.dollarToken(start);
    if (isDigit(c) || (c === CH.dot && isDigit(s.charCodeAt(start + 1)))) return this.numberToken(start);
    if (isIdentStart(c)) {
      let end = start + 1;
      while (end < s.length && isIdentChar(s.charCodeAt(end))) end++;
      return this.token('word', asciiLower(s.slice(start, end)), start, end);
    }
    if (c === 0x3a && s.charCodeAt(start + 1) === 0x3a) return this.token('op', '::', start, start + 2);
    const ch = s[start];
    // Operators are returned one character at a time: the callers only look for `=`, `-` and `+`.
    return this.token(PUNCT_CHARS.includes(ch) ? 'punct' : 'op', ch, start, start + 1);
  }

  private token(type: TokenType, value: string, start: number, end: number, closed?: boolean): Token {
    this.pos = end;
    return closed === undefined ? { type, value, start, end } : { type, value, start, end, closed };
  }

  private stringToken(start: number, quoteAt: number, escapes: boolean): Token {
    const end = skipSingleQuoted(this.text, quoteAt, escapes);
    const closed = end - quoteAt >= 2 && this.text.charCodeAt(end - 1) === CH.squote;
    const raw = this.text.slice(quoteAt + 1, closed ? end - 1 : end);
    const value = escapes ? decodeEscapeString(raw) : raw.replaceAll("''", "'");
    return this.token('string', value, start, end, closed);
  }

  private dollarToken(start: number): Token {
    const s = this.text;
    if (isDigit(s.charCodeAt(start + 1))) {
      let end = start + 1;
      while (isDigit(s.charCodeAt(end))) end++;
      return this.token('param', s.slice(start, end), start, end);
    }
    const tagEnd = continuesWord(s, start) ? -1 : dollarTagEnd(s, start);
    if (tagEnd < 0) return this.token('op', '$', start, start + 1);
    const end = skipDollarQuoted(s, start, tagEnd);
    const tagLen = tagEnd - start;
    const closed = end - start >= 2 * tagLen && s.slice(end - tagLen, end) === s.slice(start, tagEnd);
    return this.token('string', s.slice(tagEnd, closed ? end - tagLen : end), start, end, closed);
  }

  private numberToken(start: number): Token {
    const s = this.text;
    let end = start;
    while (isDigit(s.charCodeAt(end))) end++;
    if (s.charCodeAt(end) === CH.dot && s.charCodeAt(end + 1) !== CH.dot) {
      end++;
      while (isDigit(s.charCodeAt(end))) end++;
    }
    const e = s.charCodeAt(end);
    if (e === 69 || e === 101) {
      let k = end + 1;
      if (s[k] === '+' || s[k] === '-') k++;
      if (isDigit(s.charCodeAt(k))) {
        end = k;
        while (isDigit(s.charCodeAt(end))) end++;
      }
    }
    if (end < s.length && isIdentStart(s.charCodeAt(end))) {
      let junkEnd = end + 1;
      while (junkEnd < s.length && isIdentChar(s.charCodeAt(junkEnd))) junkEnd++;
      const t = this.token('number', s.slice(start, end), start, junkEnd);
      t.junk = true;
      return t;
    }
    return this.token('number', s.slice(start, end), start, end);
  }
}

function isDigit(c: number): boolean {
  return c >= CH.zero && c <= CH.nine;
}

/** PostgreSQL folds unquoted identifiers with ASCII-only lower-casing (downcase_identifier). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Decodes the body of an E'…' string: \b \f \n \r \t, octal \ooo, hex \xhh,
 * \uXXXX, \UXXXXXXXX, '' and \' for a quote; any other escaped character is itself.
 * https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-SYNTAX-STRINGS-ESCAPE
 */
export function decodeEscapeString(raw: string): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i];
    if (ch === "'" && raw[i + 1] === "'") {
      out += "'";
      i += 2;
    } else if (ch !== '\\' || i + 1 >= raw.length) {
      out += ch;
      i++;
    } else {
      const [text, used] = decodeOneEscape(raw, i + 1);
      out += text;
      i += 1 + used;
    }
  }
  return out;
}

function decodeOneEscape(raw: string, at: number): [string, number] {
  const e = raw[at];
  if (SIMPLE_ESCAPES[e] !== undefined) return [SIMPLE_ESCAPES[e], 1];
  const numeric = (re: RegExp, radix: number, skip: number): [string, number] | null => {
    const m = re.exec(raw.slice(at + skip, at + skip + 8));
    if (!m) return null;
    const code = parseInt(m[0], radix);
    return code <= 0x10ffff ? [String.fromCodePoint(code), skip + m[0].length] : null;
  };
  if (e >= '0' && e <= '7') return numeric(/^[0-7]{1,3}/, 8, 0) ?? [e, 1];
  if (e === 'x') return numeric(/^[0-9a-fA-F]{1,2}/, 16, 1) ?? ['x', 1];
  if (e === 'u') return numeric(/^[0-9a-fA-F]{4}/, 16, 1) ?? ['u', 1];
  if (e === 'U') return numeric(/^[0-9a-fA-F]{8}/, 16, 1) ?? ['U', 1];
  return [e, 1];
}
