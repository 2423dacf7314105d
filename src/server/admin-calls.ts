import { Lexer, type Token } from '../sql/lexer.js';
import { applyReplacements, quoteIdentifier, type TextReplacement } from '../sql/view-instance-rewrite.js';
import * as be from '../wire/backend.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { ADMIN_FUNCTION_NAMES, adminFunction, signature, type AdminFunction, type AdminValue, type LakehouseAdmin } from './admin-functions.js';
import { parseExpiry, parseInterval, selectProcessIds } from './admin-args.js';
import { adminServices } from './admin-services.js';
import type { Connection } from './connection.js';
import type { Session } from './session.js';

/**
 * Rule: an administration function call becomes a quoted identifier naming a
 * TEMP TABLE of its result columns.
 *
 *   SELECT * FROM materialize_partitions('log_entries', '2026-01-01', '2026-01-02') p
 *   -->  SELECT * FROM "sirius_admin:materialize_partitions:7" p
 *
 * At Parse the table is created empty, so DuckDB can prepare and describe
 * the statement; at Execute the function runs (progress goes to the client
 * as NOTICEs) and its rows replace the table's. Every other byte of the
 * statement is kept.
 */
export interface AdminCall {
  fn: AdminFunction;
  args: string[];
  table: string;
}

export interface AdminCalls {
  calls: AdminCall[];
  rewrittenSql: string;
}

const MENTION = new RegExp([...ADMIN_FUNCTION_NAMES].join('|'), 'i');
let nextTable = 0;

/** Finds the calls outside strings and comments; null when the statement has none. */
export function findAdminCalls(sql: string, lakehouse: LakehouseAdmin): AdminCalls | null {
  if (!MENTION.test(sql)) return null;
  const lex = new Lexer(sql);
  const calls: AdminCall[] = [];
  const replacements: TextReplacement[] = [];
  let prev: Token | null = null;
  for (let t = lex.next(); t; prev = t, t = lex.next()) {
    const qualified = prev?.type === 'punct' && prev.value === '.';
    if (t.type !== 'word' || qualified || !ADMIN_FUNCTION_NAMES.has(t.value.toLowerCase())) continue;
    const open = lex.peek();
    if (!open || open.type !== 'punct' || open.value !== '(') continue;
    lex.next();
    const fn = adminFunction(t.value.toLowerCase())!;
    const { args, end } = readArgs(lex, fn);
    checkArgs(fn, args, lakehouse);
    const table = `sirius_admin:${fn.name}:${++nextTable}`;
    calls.push({ fn, args, table });
    replacements.push({ start: t.start, end, text: quoteIdentifier(table) });
  }
  return calls.length === 0 ? null : { calls, rewrittenSql: applyReplacements(sql, replacements) };
}

/** String literals separated by commas up to the closing parenthesis; anything else is refused (22023). */
function readArgs(lex: Lexer, fn: AdminFunction): { args: string[]; end: number } {
  const args: string[] = [];
  for (;;) {
    const t = lex.next();
    if (!t) throw badArgs(fn, 'the call is not closed');
    if (t.type === 'punct' && t.value === ')' && args.length === 0) return { args, end: t.end };
    if (t.type !== 'string' || t.closed === false) {
      throw badArgs(fn, `argument ${args.length + 1} must be a string literal, got ${t.type === 'string' ? 'an unterminated string' : `"${t.value}"`}`);
    }
    args.push(t.value);
    const sep = lex.next();
    if (sep?.type === 'punct' && sep.value === ')') return { args, end: sep.end };
    if (!sep || sep.type !== 'punct' || sep.value !== ',') throw badArgs(fn, `expected "," or ")" after argument ${args.length}`);
  }
}

function checkArgs(fn: AdminFunction, args: string[], lakehouse: LakehouseAdmin): void {
  const max = fn.params.length;
  if (args.length > max || args.length < max - fn.optional) {
    throw badArgs(fn, `expected ${fn.optional ? `at most ${max}` : max} argument(s), got ${args.length}`);
  }
  const set = fn.viewSetArg === null ? undefined : args[fn.viewSetArg];
  const viewSets = set === undefined ? [] : lakehouse.viewSets().map((v) => v.name);
  if (set !== undefined && !viewSets.includes(set)) {
    throw new PgError(SqlState.UndefinedTable, `view set "${set}" does not exist`, { hint: `view sets: ${viewSets.join(', ')}` });
  }
}

const badArgs = (fn: AdminFunction, why: string): PgError =>
  new PgError(SqlState.InvalidParameterValue, `${fn.name}: ${why}`, { hint: `usage: SELECT * FROM ${signature(fn)}, every argument a string literal` });

/** At Parse: one empty TEMP TABLE per call, with the function's columns. */
export async function defineAdminTables(session: Session, found: AdminCalls): Promise<void> {
  for (const c of found.calls) {
    const cols = c.fn.columns.map((col) => `${quoteIdentifier(col.name)} ${col.type}`).join(', ');
    await session.engine.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(c.table)} (${cols})`);
  }
}

/** At Execute: runs each call (admins only for those that change the lakehouse) and puts its rows in its table. */
export async function runAdminCalls(lakehouse: LakehouseAdmin, conn: Connection, session: Session, found: AdminCalls): Promise<void> {
  const progress = (message: string): void => {
    be.noticeResponse(conn.out, message, { severity: 'NOTICE' });
    // the client sees progress while a long build runs, not all at once at the end
    void conn.flush();
  };
  for (const c of found.calls) {
    if (c.fn.adminOnly && !session.admin) {
      throw new PgError(SqlState.InsufficientPrivilege, `permission denied for function ${c.fn.name}`, { hint: 'only admin users (users file: name:secret:admin) may change the lakehouse or delete data' });
    }
    const fn = c.fn.name;
    const rows = await c.fn.run(
      {
        lakehouse,
        progress,
        timestamp: (name, text) => parseTimestamp(session, c.fn, name, text),
        services: () => adminServices(lakehouse, fn),
        interval: (name, text) => parseInterval(session, fn, name, text),
        expiry: (text) => parseExpiry(session, fn, text),
        processIds: (text) => selectProcessIds(conn, session, fn, text),
      },
      c.args,
    );
    await fillTable(session, c, rows);
  }
}

/** A timestamptz in the session's time zone, as PostgreSQL reads one; 22007 otherwise. */
async function parseTimestamp(session: Session, fn: AdminFunction, argName: string, text: string): Promise<number> {
  await session.syncTimeZone();
  const invalid = (cause?: unknown): PgError =>
    new PgError(SqlState.InvalidDatetimeFormat, `${fn.name}: invalid input syntax for type timestamp with time zone: "${text}" (argument ${argName})`, { hint: "e.g. '2026-01-01T00:00:00Z'", cause });
  const stmt = await session.engine.prepare('SELECT epoch_us(CAST($1 AS TIMESTAMPTZ))');
  try {
    stmt.bindVarchar(1, text);
    const rows = (await stmt.runAndReadAll()).getRows();
    const us = rows[0]?.[0];
    if (typeof us !== 'bigint') throw invalid();
    return Number(us);
  } catch (err) {
    throw err instanceof PgError ? err : invalid(err);
  } finally {
    stmt.destroySync();
  }
}

async function fillTable(session: Session, call: AdminCall, rows: AdminValue[][]): Promise<void> {
  const table = quoteIdentifier(call.table);
  await session.engine.run(`DELETE FROM ${table}`);
  const BATCH = 500;
  for (let i = 0; i < rows.length; i += BATCH) {
    const values = rows.slice(i, i + BATCH).map((r) => `(${r.map(literal).join(', ')})`).join(', ');
    await session.engine.run(`INSERT INTO ${table} VALUES ${values}`);
  }
}

function literal(v: AdminValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    // integers must be exact (BIGINT columns); fractions only go to DOUBLE columns
    if (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) throw new PgError(SqlState.InternalError, `administration function returned the number ${v}, not exact`);
    return Number.isInteger(v) ? String(v) : `${v}::DOUBLE`;
  }
  return `make_timestamptz(${v.us}::BIGINT)`;
}
