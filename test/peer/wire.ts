/**
 * One SQL text over node-postgres's simple-query protocol, with every value kept as the text
 * the server sent. DuckDB's Connection::Query runs all statements of a text and returns the
 * last result; PostgreSQL's simple protocol does the same and answers one result each.
 */
import pg from 'pg';
import type { WireColumn } from './duck-render.js';

export interface WireRows {
  kind: 'rows';
  columns: WireColumn[];
  rows: (string | null)[][];
}

export interface WireError {
  kind: 'error';
  code: string;
  message: string;
  hint: string | undefined;
  detail: string | undefined;
}

export type WireOutcome = WireRows | WireError;

/** The connection broke or the statement outran its time: the file cannot go on. */
export class WireBroken extends Error {
  override name = 'WireBroken';
}

/** Client settings that keep every value as the exact text the server sent. */
export const TEXT_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

function lastResult(result: pg.QueryResult | pg.QueryResult[]): pg.QueryResult | null {
  if (!Array.isArray(result)) return result;
  return result.length === 0 ? null : result[result.length - 1];
}

/** Commands whose PostgreSQL tag carries the row count DuckDB returns as a `Count` column. */
const COUNTED_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY', 'SELECT']);

/**
 * A statement without rows. DuckDB answers DML, CREATE TABLE … AS and COPY with one BIGINT
 * `Count` row; PostgreSQL carries that number in the command tag (`INSERT 0 3`, `SELECT 3`
 * for CREATE TABLE AS). Other statements give DuckDB one column and no rows.
 */
function commandResult(result: pg.QueryResult): WireRows {
  if (result.command !== null && COUNTED_COMMANDS.has(result.command) && result.rowCount !== null) {
    return { kind: 'rows', columns: [{ name: 'Count', oid: 20, typmod: -1 }], rows: [[String(result.rowCount)]] };
  }
  return { kind: 'rows', columns: [{ name: 'Success', oid: 16, typmod: -1 }], rows: [] };
}

export async function runSql(client: pg.Client, sql: string, timeoutMs: number): Promise<WireOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WireBroken(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const query = client.query({ text: sql, rowMode: 'array' }) as Promise<pg.QueryResult | pg.QueryResult[]>;
    const result = lastResult(await Promise.race([query, timeout]));
    if (result === null) return { kind: 'rows', columns: [], rows: [] };
    if (result.fields.length === 0) return commandResult(result);
    const columns = result.fields.map((f) => ({ name: f.name, oid: f.dataTypeID, typmod: f.dataTypeModifier }));
    return { kind: 'rows', columns, rows: result.rows as (string | null)[][] };
  } catch (e) {
    if (e instanceof WireBroken) throw e;
    if (e instanceof pg.DatabaseError) {
      return { kind: 'error', code: e.code ?? '', message: e.message, hint: e.hint, detail: e.detail };
    }
    throw new WireBroken(`connection failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * DuckDB exception classes that a SQLSTATE class can stand for. Sirius sends DuckDB's error
 * message without its "<Class> Error: " prefix and encodes the class in the SQLSTATE; this is
 * the inverse of its mapping (src/engine/errors.ts: RULES and CLASS_CODES, by SQLSTATE class).
 * Expected messages that name a class match if any class the SQLSTATE allows fits.
 */
const CLASSES_BY_SQLSTATE_CLASS: Record<string, string[]> = {
  '0A': ['Parser', 'Not implemented', 'Parameter Not Allowed', 'Missing Extension', 'Extension Autoloading'],
  '21': ['Invalid Input'],
  '22': ['Conversion', 'Out of Range', 'Invalid Input', 'Binder', 'Parser', 'Not implemented', 'Syntax', 'Divide by Zero',
    'Sequence', 'Decimal', 'Invalid Configuration', 'Settings'],
  '23': ['Constraint'],
  '25': ['TransactionContext', 'Invalid Input'],
  '26': ['Binder'],
  '2B': ['Catalog', 'Dependency'],
  '3D': ['Binder'],
  '3F': ['Catalog'],
  '40': ['TransactionContext'],
  '42': ['Binder', 'Catalog', 'Parser', 'Conversion', 'Invalid Input', 'Not implemented', 'Syntax', 'Permission',
    'Mismatch Type', 'Invalid type', 'Unknown Type', 'Parameter Not Resolved'],
  '53': ['Out of Memory'],
  '54': ['Out of Range', 'Object Size'],
  '57': ['INTERRUPT'],
  '58': ['IO', 'HTTP', 'Network'],
  XX: ['INTERNAL', 'Invalid', 'Serialization', 'Expression', 'Planner', 'Scheduler', 'Executor', 'Index', 'Stat',
    'Connection', 'Optimizer', 'NullPointer', 'FATAL'],
};

/** DuckDB's error text body: first line in the message, the rest of the lines in the hint. */
export function errorBody(error: WireError): string {
  return error.hint === undefined ? error.message : `${error.message}\n${error.hint}`;
}

/** The error texts DuckDB may have printed for this ErrorResponse, one per candidate class. */
export function duckErrorTexts(error: WireError): string[] {
  const body = errorBody(error);
  const classes = CLASSES_BY_SQLSTATE_CLASS[error.code.slice(0, 2)] ?? [];
  return [...classes.map((c) => `${c} Error: ${body}`), body];
}
