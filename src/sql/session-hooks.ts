import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { StatementParser } from './statement-parser.js';
import { parseCreateView, parseDropView, parseRefreshView, type ViewCommand } from './view-ddl.js';
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
  /** PREPARE name [(type, …)] AS statement; types null: no list (DuckDB infers them). */
  | { type: 'prepare'; name: string; types: string[] | null; body: string }
  /** DECLARE name [BINARY] [NO SCROLL] CURSOR [WITH[OUT] HOLD] FOR query */
  | { type: 'declare'; name: string; binary: boolean; hold: boolean; body: string }
  /** FETCH / MOVE forward; count null: ALL */
  | { type: 'fetch'; move: boolean; count: number | null; name: string }
  | { type: 'listen'; channel: string }
  /** channel null: UNLISTEN * */
  | { type: 'unlisten'; channel: string | null }
  /** CREATE / DROP / REFRESH MATERIALIZED VIEW (view-ddl.ts) */
  | ViewCommand;

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
  prepare: parsePrepare,
  declare: parseDeclare,
  fetch: (p) => parseFetch(p, false),
  move: (p) => parseFetch(p, true),
  listen: (p) => ({ type: 'listen', channel: p.name() }),
  unlisten: (p) => ({ type: 'unlisten', channel: p.optOp('*') ? null : p.name() }),
  create: parseCreateView,
  drop: parseDropView,
  refresh: parseRefreshView,
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
  if (p.peekWord('role')) throw notSupported('RESET ROLE');
  // DuckDB's RESET SESSION <setting> resets a setting like RESET <setting>; PostgreSQL's RESET SESSION AUTHORIZATION is not ours
  if (p.optWord('session') && p.peekWord('authorization')) throw notSupported('RESET SESSION AUTHORIZATION');
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

/** PREPARE name [(data_type, …)] AS PreparableStmt (PREPARE TRANSACTION goes to DuckDB, which refuses it). */
function parsePrepare(p: StatementParser): SessionCommand | null {
  if (p.peekWord('transaction')) return null;
  const name = p.name();
  const types = p.optPunct('(') ? p.typeList() : null;
  p.expectWord('as');
  return { type: 'prepare', name, types, body: p.rest() };
}

/** DECLARE name [BINARY] [ASENSITIVE|INSENSITIVE] [NO SCROLL] CURSOR [WITH[OUT] HOLD] FOR query. */
function parseDeclare(p: StatementParser): SessionCommand {
  const name = p.name();
  let binary = false;
  for (;;) {
    if (p.optWord('binary')) binary = true;
    else if (p.optWord('asensitive', 'insensitive')) continue;
    else if (p.optWord('no')) p.expectWord('scroll');
    else if (p.peekWord('scroll')) throw notSupported('SCROLL cursors');
    else break;
  }
  p.expectWord('cursor');
  let hold = false;
  if (p.optWord('with')) (p.expectWord('hold'), (hold = true));
  else if (p.optWord('without')) p.expectWord('hold');
  p.expectWord('for');
  return { type: 'declare', name, binary, hold, body: p.rest() };
}

/** FETCH/MOVE [NEXT | FORWARD [n | ALL] | ALL | n] [FROM | IN] name; backward and absolute forms need SCROLL. */
function parseFetch(p: StatementParser, move: boolean): SessionCommand {
  let count: number | null = 1;
  const countArg = (): number | null => {
    if (p.optWord('all')) return null;
    const t = p.peek();
    if (t?.type !== 'number') return 1;
    p.next();
    if (!/^\d+$/.test(t.value)) return p.fail(t);
    return Number(t.value);
  };
  if (p.optWord('next')) count = 1;
  else if (p.optWord('forward')) count = countArg();
  else if (p.peekWord('all') || p.peek()?.type === 'number') count = countArg();
  else if (p.peekWord('prior', 'first', 'last', 'absolute', 'relative', 'backward')) throw notSupported(`FETCH ${p.next()!.value.toUpperCase()} (Sirius cursors are NO SCROLL)`);
  p.optWord('from', 'in');
  return { type: 'fetch', move, count, name: p.name() };
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
