import { Lexer, type Token } from './lexer.js';

/**
 * What a statement is, from its leading keywords. WITH resolves to its main
 * statement (WITH … INSERT is an insert); END is a commit, ABORT a rollback;
 * DuckDB's FROM-first queries, PIVOT and SUMMARIZE are selects / describes.
 */
export type StatementKind =
  | 'select' | 'values' | 'table' | 'show' | 'set' | 'reset'
  | 'begin' | 'start_transaction' | 'commit' | 'rollback' | 'savepoint' | 'release'
  | 'discard' | 'deallocate' | 'prepare' | 'execute' | 'close'
  | 'listen' | 'unlisten' | 'notify' | 'fetch' | 'move' | 'declare'
  | 'explain' | 'describe' | 'insert' | 'update' | 'delete' | 'merge' | 'copy'
  | 'create' | 'drop' | 'alter' | 'truncate' | 'pragma' | 'call' | 'checkpoint' | 'other';

/** rows: sends RowDescription + DataRows; none: only CommandComplete; maybe: known only once executed. */
export type RowsMode = 'rows' | 'none' | 'maybe';

const LEADING: Record<string, StatementKind> = {
  select: 'select', values: 'values', table: 'table', from: 'select', pivot: 'select', unpivot: 'select',
  show: 'show', set: 'set', reset: 'reset', begin: 'begin', start: 'start_transaction',
  commit: 'commit', end: 'commit', rollback: 'rollback', abort: 'rollback',
  savepoint: 'savepoint', release: 'release', discard: 'discard', deallocate: 'deallocate',
  prepare: 'prepare', execute: 'execute', close: 'close', listen: 'listen', unlisten: 'unlisten',
  notify: 'notify', fetch: 'fetch', move: 'move', declare: 'declare', explain: 'explain',
  describe: 'describe', desc: 'describe', summarize: 'describe', insert: 'insert', update: 'update',
  delete: 'delete', merge: 'merge', copy: 'copy', create: 'create', drop: 'drop', alter: 'alter',
  truncate: 'truncate', pragma: 'pragma', call: 'call', checkpoint: 'checkpoint',
};

const WITH_MAIN = new Set(['select', 'values', 'table', 'insert', 'update', 'delete', 'merge', 'from']);

/** The first keyword after any leading parentheses, or null for an empty statement. */
function leadingWord(lex: Lexer): Token | null {
  for (let t = lex.next(); t; t = lex.next()) {
    if (t.type === 'punct' && t.value === '(') continue;
    return t;
  }
  return null;
}

export function classify(text: string): StatementKind {
  const lex = new Lexer(text);
  const first = leadingWord(lex);
  if (!first || first.type !== 'word') return 'other';
  if (first.value === 'with') return withMainKind(lex);
  return LEADING[first.value] ?? 'other';
}

/** The kind of the statement that follows WITH's CTE list: the first top-level DML/query keyword. */
function withMainKind(lex: Lexer): StatementKind {
  let depth = 0;
  for (let t = lex.next(); t; t = lex.next()) {
    if (t.type === 'punct') depth += t.value === '(' ? 1 : t.value === ')' ? -1 : 0;
    else if (depth === 0 && t.type === 'word' && WITH_MAIN.has(t.value)) return LEADING[t.value];
  }
  return 'select';
}

/** Whether a top-level (not parenthesised) keyword appears, e.g. RETURNING or AS. */
function hasTopLevelWord(text: string, word: string): boolean {
  const lex = new Lexer(text);
  let depth = 0;
  for (let t = lex.next(); t; t = lex.next()) {
    if (t.type === 'punct') depth += t.value === '(' ? 1 : t.value === ')' ? -1 : 0;
    else if (depth === 0 && t.type === 'word' && t.value === word) return true;
  }
  return false;
}

const ROW_KINDS = new Set<StatementKind>(['select', 'values', 'table', 'show', 'explain', 'describe', 'fetch']);

const READ_KINDS = new Set<StatementKind>(['select', 'values', 'table', 'show', 'explain', 'describe']);
const WRITE_KINDS = new Set<StatementKind>(['insert', 'update', 'delete', 'merge', 'copy', 'create', 'drop', 'alter', 'truncate']);

/** Statements that change nothing (data, schema or settings). PRAGMA, CALL and the rest may. */
export function readsOnly(kind: StatementKind): boolean {
  return READ_KINDS.has(kind);
}

/** Statements PostgreSQL refuses in a read-only transaction (25006). */
export function writesData(kind: StatementKind): boolean {
  return WRITE_KINDS.has(kind);
}

export function returnsRows(kind: StatementKind, text: string): RowsMode {
  // SELECT … INTO new_table creates a table instead of returning rows.
  if (kind === 'select') return hasTopLevelWord(text, 'into') ? 'none' : 'rows';
  if (ROW_KINDS.has(kind)) return 'rows';
  if (kind === 'insert' || kind === 'update' || kind === 'delete' || kind === 'merge') {
    return hasTopLevelWord(text, 'returning') ? 'rows' : 'none';
  }
  if (kind === 'execute' || kind === 'pragma' || kind === 'call') return 'maybe';
  return 'none';
}

const FIXED_TAGS: Partial<Record<StatementKind, string>> = {
  show: 'SHOW', reset: 'RESET', begin: 'BEGIN', start_transaction: 'START TRANSACTION',
  commit: 'COMMIT', rollback: 'ROLLBACK', savepoint: 'SAVEPOINT', release: 'RELEASE',
  prepare: 'PREPARE', execute: 'EXECUTE', listen: 'LISTEN', unlisten: 'UNLISTEN', notify: 'NOTIFY',
  declare: 'DECLARE CURSOR', explain: 'EXPLAIN', truncate: 'TRUNCATE TABLE', pragma: 'PRAGMA',
  call: 'CALL', checkpoint: 'CHECKPOINT',
};

/**
 * PostgreSQL's CommandComplete tag (src/include/tcop/cmdtaglist.h, PG 15).
 * Row-counting tags carry `rowCount`; INSERT keeps the historical OID field 0.
 * CREATE TABLE … AS and CREATE MATERIALIZED VIEW report "SELECT n" as PostgreSQL does.
 * EXECUTE reports "EXECUTE" here: PostgreSQL reports the prepared statement's own
 * tag, which only the caller that knows that statement's text can compute.
 * https://www.postgresql.org/docs/15/protocol-message-formats.html (CommandComplete)
 */
export function commandTag(kind: StatementKind, text: string, rowCount: number): string {
  switch (kind) {
    case 'select': case 'values': case 'table': case 'describe':
      return `SELECT ${rowCount}`;
    case 'insert':
      return `INSERT 0 ${rowCount}`;
    case 'update': case 'delete': case 'merge': case 'copy': case 'fetch': case 'move':
      return `${kind.toUpperCase()} ${rowCount}`;
    case 'set':
      return secondWord(text) === 'constraints' ? 'SET CONSTRAINTS' : 'SET';
    case 'discard':
      return discardTag(text);
    case 'deallocate':
      return lastWord(text) === 'all' ? 'DEALLOCATE ALL' : 'DEALLOCATE';
    case 'close':
      return lastWord(text) === 'all' ? 'CLOSE CURSOR ALL' : 'CLOSE CURSOR';
    case 'create': case 'drop': case 'alter':
      return ddlTag(kind, text, rowCount);
    case 'other':
      return otherTag(text);
    default:
      return FIXED_TAGS[kind] ?? kind.toUpperCase();
  }
}

function words(text: string, limit: number): string[] {
  const lex = new Lexer(text);
  const out: string[] = [];
  for (let t = lex.next(); t && out.length < limit; t = lex.next()) {
    out.push(t.type === 'word' ? t.value : '');
  }
  return out;
}

function secondWord(text: string): string {
  return words(text, 2)[1] ?? '';
}

function lastWord(text: string): string {
  const all = words(text, 4);
  return all[all.length - 1] ?? '';
}

function discardTag(text: string): string {
  const what = secondWord(text);
  if (what === 'temporary' || what === 'temp') return 'DISCARD TEMP';
  return what === 'all' || what === 'plans' || what === 'sequences' ? `DISCARD ${what.toUpperCase()}` : 'DISCARD';
}

/** Statements whose tag is not just their first keyword. */
const OTHER_TAGS: Record<string, string> = {
  lock: 'LOCK TABLE', refresh: 'REFRESH MATERIALIZED VIEW', security: 'SECURITY LABEL', reassign: 'REASSIGN OWNED',
};

function otherTag(text: string): string {
  const first = new Lexer(text).next();
  if (!first || first.type !== 'word') return '???';
  return OTHER_TAGS[first.value] ?? first.value.toUpperCase();
}

/** Words between CREATE and the object type that do not appear in the tag. */
const CREATE_MODIFIERS = new Set([
  'or', 'replace', 'temp', 'temporary', 'unlogged', 'global', 'local', 'unique', 'recursive',
  'trusted', 'procedural', 'default', 'constraint', 'persistent', 'concurrently',
]);
/** Object types whose name is more than one word; the value is how many words the tag keeps. */
const MULTI_WORD: Record<string, number> = { materialized: 2, foreign: 2, text: 3, event: 2, access: 2, user: 2, large: 2, operator: 2 };
const SECOND_WORDS: Record<string, Set<string>> = {
  foreign: new Set(['table', 'data']), user: new Set(['mapping']), operator: new Set(['class', 'family']),
  default: new Set(['privileges']),
};
const ROLE_ALIASES = new Set(['user', 'group']);

function ddlTag(kind: 'create' | 'drop' | 'alter', text: string, rowCount: number): string {
  const w = words(text, 12).slice(1);
  let i = 0;
  if (kind === 'create') while (i < w.length && CREATE_MODIFIERS.has(w[i]) && !isDefaultPrivileges(w, i)) i++;
  const obj = objectWords(w, i);
  if (kind === 'create' && (obj === 'MATERIALIZED VIEW' || (obj === 'TABLE' && hasTopLevelWord(text, 'as')))) {
    return `SELECT ${rowCount}`;
  }
  return obj ? `${kind.toUpperCase()} ${obj}` : kind.toUpperCase();
}

function isDefaultPrivileges(w: string[], i: number): boolean {
  return w[i] === 'default' && w[i + 1] === 'privileges';
}

function objectWords(w: string[], i: number): string {
  const head = w[i];
  if (!head) return '';
  if (ROLE_ALIASES.has(head) && w[i + 1] !== 'mapping') return 'ROLE';
  if (head === 'default' && w[i + 1] === 'privileges') return 'DEFAULT PRIVILEGES';
  let count = MULTI_WORD[head] ?? 1;
  const allowed = SECOND_WORDS[head];
  if (allowed && !allowed.has(w[i + 1])) count = 1;
  if (head === 'foreign' && w[i + 1] === 'data') count = 3; // FOREIGN DATA WRAPPER
  return w.slice(i, i + count).filter(Boolean).join(' ').toUpperCase();
}
