import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { Lexer, type Token } from './lexer.js';
import type { SetArg } from './set-args.js';

/** Token-level helpers; every failure is PostgreSQL's "syntax error at or near" with a position. */
export class StatementParser {
  private readonly lex: Lexer;

  constructor(private readonly text: string) {
    this.lex = new Lexer(text);
  }

  peek(): Token | null {
    return this.lex.peek();
  }

  next(): Token | null {
    return this.lex.next();
  }

  peekWord(...words: string[]): boolean {
    const t = this.peek();
    return t?.type === 'word' && words.includes(t.value);
  }

  /** Consumes one of `words` if it is next; returns it, or null. */
  optWord(...words: string[]): string | null {
    return this.peekWord(...words) ? this.next()!.value : null;
  }

  expectWord(...words: string[]): string {
    return this.optWord(...words) ?? this.fail(this.peek());
  }

  optPunct(ch: string): boolean {
    const t = this.peek();
    if (t?.type !== 'punct' || t.value !== ch) return false;
    this.next();
    return true;
  }

  optOp(ch: string): boolean {
    const t = this.peek();
    if (t?.type !== 'op' || t.value !== ch) return false;
    this.next();
    return true;
  }

  /** ColId: a word (folded to lower case) or a quoted identifier. */
  name(): string {
    const t = this.next();
    if (t?.type === 'word' || (t?.type === 'ident' && t.value !== '')) return t.value;
    return this.fail(t);
  }

  /** var_name: ColId ('.' ColId)* */
  dottedName(): string {
    let name = this.name();
    while (this.optPunct('.')) name += '.' + this.name();
    return name;
  }

  stringArg(): SetArg {
    const t = this.next();
    return t?.type === 'string' ? { kind: 'string', value: t.value } : this.fail(t);
  }

  /** var_value: a string, a name or keyword, or a signed number. */
  valueArg(): SetArg {
    const t = this.next();
    if (t?.type === 'string') return { kind: 'string', value: t.value };
    if (t?.type === 'word' || t?.type === 'ident') return { kind: 'ident', value: t.value };
    if (t?.type === 'number' && !t.junk) return { kind: 'number', value: t.value };
    if (t?.type === 'op' && (t.value === '-' || t.value === '+')) {
      const n = this.next();
      if (n?.type === 'number' && !n.junk) return { kind: 'number', value: t.value === '-' ? `-${n.value}` : n.value };
      return this.fail(n);
    }
    return this.fail(t);
  }

  /** The comma-separated type names up to the closing `)` (already past the opening one), as written. */
  typeList(): string[] {
    const types: string[] = [];
    let depth = 0;
    let start = -1;
    for (;;) {
      const t = this.next();
      if (!t) return this.fail(t);
      const punct = t.type === 'punct' ? t.value : '';
      if (depth === 0 && (punct === ',' || punct === ')')) {
        if (start < 0) return this.fail(t);
        types.push(this.text.slice(start, t.start).trim());
        start = -1;
        if (punct === ')') return types;
        continue;
      }
      if (start < 0) start = t.start;
      if (punct === '(' || punct === '[') depth++;
      else if (punct === ')' || punct === ']') depth--;
    }
  }

  /** The rest of the statement, as written (without a trailing semicolon); consumes it. */
  rest(): string {
    const first = this.peek();
    if (!first) return this.fail(first);
    let end = first.end;
    for (let t = this.next(); t; t = this.next()) if (!(t.type === 'punct' && t.value === ';' && !this.peek())) end = t.end;
    return this.text.slice(first.start, end);
  }

  /** Only an optional trailing semicolon may follow a complete command. */
  expectEnd(): void {
    this.optPunct(';');
    const t = this.peek();
    if (t) this.fail(t);
  }

  fail(t: Token | null): never {
    if (!t) throw new PgError(SqlState.SyntaxError, 'syntax error at end of input', { position: [...this.text].length + 1 });
    const shown = this.text.slice(t.start, t.end);
    const what = t.junk ? 'trailing junk after numeric literal' : 'syntax error';
    throw new PgError(SqlState.SyntaxError, `${what} at or near "${shown}"`, { position: [...this.text.slice(0, t.start)].length + 1 });
  }
}
