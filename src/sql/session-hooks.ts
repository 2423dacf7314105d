import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { Lexer, type Token } from './lexer.js';
import type { SetArg } from './set-args.js';
import { intervalOut, parseIntervalLiteral } from './timezone.js';
import type { TransactionModes } from './transaction-state.js';

/**
 * Statements Sirius answers itself instead of sending them to DuckDB: run-time
 * parameters (SET/RESET/SHOW), transaction control, and session housekeeping.
 * Grammar as in PostgreSQL 15's gram.y (VariableSetStmt, TransactionStmt, …).
 */
export type SessionCommand =
  /** value null: DEFAULT (SET x TO DEFAULT, SET TIME ZONE LOCAL/DEFAULT). */
  | { type: 'set'; scope: 'session' | 'local'; name: string; value: SetArg[] | null }
  | { type: 'set_transaction'; modes: TransactionModes }
  | { type: 'set_session_characteristics'; modes: TransactionModes }
  | { type: 'reset'; name: string }
  | { type: 'reset_all' }
  | { type: 'show'; name: string }
  | { type: 'show_all' }
  | { type: 'begin'; modes: TransactionModes; tag: 'BEGIN' | 'START TRANSACTION' }
  | { type: 'commit'; chain: boolean }
  | { type: 'rollback'; chain: boolean }
  | { type: 'savepoint'; name: string }
  | { type: 'release'; name: string }
  | { type: 'rollback_to'; name: string }
  | { type: 'discard'; target: 'all' | 'plans' | 'temp' | 'sequences' }
  /** name null: ALL */
  | { type: 'deallocate'; name: string | null }
  | { type: 'close'; name: string | null }
  | { type: 'listen'; channel: string }
  /** channel null: UNLISTEN * */
  | { type: 'unlisten'; channel: string | null };

/** DuckDB's own SHOW forms, which PostgreSQL does not have as parameters: they go to DuckDB. */
const DUCKDB_SHOW = new Set(['tables', 'databases']);

/**
 * Parses a statement that Sirius handles itself, or returns null for anything
 * else (which goes to DuckDB), including DuckDB's SET GLOBAL / SET VARIABLE and
 * SHOW TABLES. A malformed session statement throws a 42601 PgError whose
 * position is relative to `text`.
 */
export function parseSessionStatement(text: string): SessionCommand | null {
  const p = new StatementParser(text);
  const first = p.peek();
  if (!first || first.type !== 'word') return null;
  const parse = PARSERS[first.value];
  if (!parse) return null;
  p.next();
  const command = parse(p);
  if (command) p.expectEnd();
  return command;
}

type CommandParser = (p: StatementParser) => SessionCommand | null;

const PARSERS: Record<string, CommandParser> = {
  set: parseSet,
  reset: parseReset,
  show: parseShow,
  begin: (p) => (p.optWord('work', 'transaction'), { type: 'begin', modes: parseModes(p), tag: 'BEGIN' }),
  start: (p) => (p.expectWord('transaction'), { type: 'begin', modes: parseModes(p), tag: 'START TRANSACTION' }),
  commit: (p) => (p.peekWord('prepared') ? null : { type: 'commit', chain: parseChain(p) }),
  end: (p) => ({ type: 'commit', chain: parseChain(p) }),
  rollback: parseRollback,
  abort: (p) => ({ type: 'rollback', chain: parseChain(p) }),
  savepoint: (p) => ({ type: 'savepoint', name: p.name() }),
  release: (p) => (p.optWord('savepoint'), { type: 'release', name: p.name() }),
  discard: parseDiscard,
  deallocate: (p) => (p.optWord('prepare'), { type: 'deallocate', name: p.optWord('all') ? null : p.name() }),
  close: (p) => ({ type: 'close', name: p.optWord('all') ? null : p.name() }),
  listen: (p) => ({ type: 'listen', channel: p.name() }),
  unlisten: (p) => ({ type: 'unlisten', channel: p.optOp('*') ? null : p.name() }),
};

function parseSet(p: StatementParser): SessionCommand | null {
  if (p.peekWord('global', 'variable', 'constraints')) return null;
  const scope = p.optWord('local') ? 'local' : (p.optWord('session'), 'session');
  if (p.optWord('characteristics')) {
    p.expectWord('as');
    p.expectWord('transaction');
    return { type: 'set_session_characteristics', modes: parseModes(p) };
  }
  if (scope === 'session' && p.peekWord('transaction')) {
    p.next();
    return { type: 'set_transaction', modes: parseModes(p) };
  }
  if (p.peekWord('role', 'authorization')) throw notSupported(`SET ${p.next()!.value.toUpperCase()}`);
  if (p.optWord('time')) {
    p.expectWord('zone');
    return { type: 'set', scope, name: 'timezone', value: parseZoneValue(p) };
  }
  if (p.optWord('names')) return { type: 'set', scope, name: 'client_encoding', value: parseValues(p) };
  if (p.optWord('schema')) return { type: 'set', scope, name: 'search_path', value: [p.stringArg()] };
  const name = p.dottedName();
  if (!p.optWord('to') && !p.optOp('=')) p.fail(p.peek());
  return { type: 'set', scope, name, value: parseValues(p) };
}

/** DEFAULT, or var_list: comma-separated strings, names and signed numbers. */
function parseValues(p: StatementParser): SetArg[] | null {
  if (p.optWord('default')) return null;
  const args = [p.valueArg()];
  while (p.optPunct(',')) args.push(p.valueArg());
  return args;
}

/** zone_value: a string or name, a signed number, INTERVAL '…' [qualifier], LOCAL or DEFAULT. */
function parseZoneValue(p: StatementParser): SetArg[] | null {
  if (p.optWord('local') || p.optWord('default')) return null;
  if (!p.optWord('interval')) return [p.valueArg()];
  const literal = p.next();
  if (!literal || literal.type !== 'string') return p.fail(literal);
  const qualifier: string[] = [];
  while (p.peekWord('year', 'month', 'day', 'hour', 'minute', 'second', 'to')) qualifier.push(p.next()!.value);
  const iv = parseIntervalLiteral(literal.value, qualifier[0] ?? null);
  if (!iv) throw new PgError(SqlState.InvalidDatetimeFormat, `invalid input syntax for type interval: "${literal.value}"`);
  return [{ kind: 'string', value: `INTERVAL '${intervalOut(iv)}'` }];
}

function parseReset(p: StatementParser): SessionCommand {
  if (p.optWord('all')) return { type: 'reset_all' };
  if (p.peekWord('role', 'session')) throw notSupported(`RESET ${p.next()!.value.toUpperCase()}`);
  if (p.optWord('time')) {
    p.expectWord('zone');
    return { type: 'reset', name: 'timezone' };
  }
  return { type: 'reset', name: p.dottedName() };
}

function parseShow(p: StatementParser): SessionCommand | null {
  if (p.optWord('all')) return p.peek() ? null : { type: 'show_all' };
  const next = p.peek();
  if (next?.type === 'word' && DUCKDB_SHOW.has(next.value)) return null;
  if (p.optWord('time')) return p.expectWord('zone'), { type: 'show', name: 'timezone' };
  if (p.peekWord('transaction')) {
    p.next();
    p.expectWord('isolation');
    p.expectWord('level');
    return { type: 'show', name: 'transaction_isolation' };
  }
  if (p.peekWord('session')) {
    p.next();
    p.expectWord('authorization');
    return { type: 'show', name: 'session_authorization' };
  }
  return { type: 'show', name: p.dottedName() };
}

function parseRollback(p: StatementParser): SessionCommand | null {
  if (p.peekWord('prepared')) return null;
  p.optWord('work', 'transaction');
  if (!p.optWord('to')) return { type: 'rollback', chain: parseChain(p) };
  p.optWord('savepoint');
  return { type: 'rollback_to', name: p.name() };
}

function parseDiscard(p: StatementParser): SessionCommand {
  const t = p.next();
  const target = t?.type === 'word' ? ({ all: 'all', plans: 'plans', temp: 'temp', temporary: 'temp', sequences: 'sequences' } as const)[t.value as 'all'] : undefined;
  if (!target) return p.fail(t);
  return { type: 'discard', target };
}

/** transaction_mode_list: ISOLATION LEVEL …, READ ONLY|WRITE, [NOT] DEFERRABLE, optionally comma-separated. */
function parseModes(p: StatementParser): TransactionModes {
  const modes: TransactionModes = {};
  for (let first = true; ; first = false) {
    if (!first) p.optPunct(',');
    if (p.optWord('isolation')) {
      p.expectWord('level');
      modes.isolation = parseIsolation(p);
    } else if (p.optWord('read')) {
      modes.readOnly = p.expectWord('only', 'write') === 'only';
    } else if (p.optWord('not')) {
      p.expectWord('deferrable');
      modes.deferrable = false;
    } else if (p.optWord('deferrable')) {
      modes.deferrable = true;
    } else {
      return modes;
    }
  }
}

function parseIsolation(p: StatementParser): NonNullable<TransactionModes['isolation']> {
  if (p.optWord('serializable')) return 'serializable';
  if (p.optWord('repeatable')) return p.expectWord('read'), 'repeatable read';
  p.expectWord('read');
  return p.expectWord('committed', 'uncommitted') === 'committed' ? 'read committed' : 'read uncommitted';
}

/** opt_transaction_chain after COMMIT/END/ROLLBACK/ABORT [WORK|TRANSACTION]. */
function parseChain(p: StatementParser): boolean {
  p.optWord('work', 'transaction');
  if (!p.optWord('and')) return false;
  const no = p.optWord('no');
  p.expectWord('chain');
  return !no;
}

function notSupported(what: string): PgError {
  return new PgError(SqlState.FeatureNotSupported, `${what} is not supported`);
}

/** Token-level helpers; every failure is PostgreSQL's "syntax error at or near" with a position. */
class StatementParser {
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
