import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { Connection } from './connection.js';
import type { Session } from './session.js';
import { bindViews, prepareViews } from './views.js';

/**
 * Arguments of the administration functions that are more than text: times,
 * intervals, and sets of process ids given as a list or as a query. Each is
 * read by DuckDB in the session (its time zone, its interval syntax), and a
 * bad one is the client's error with the SQLSTATE PostgreSQL would give.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const QUERY_START = /^\s*\(?\s*(select|with|from|values|table)\b/i;

async function scalar(session: Session, sql: string, text: string): Promise<unknown> {
  const stmt = await session.engine.prepare(sql);
  try {
    stmt.bindVarchar(1, text);
    return (await stmt.runAndReadAll()).getRows()[0]?.[0];
  } finally {
    stmt.destroySync();
  }
}

/** A length of time ('7 days', '36 hours', '1 day 12:00:00') as µs; 22007 when it is not a positive interval. */
export async function parseInterval(session: Session, fn: string, argName: string, text: string): Promise<number> {
  const invalid = (cause?: unknown): PgError =>
    new PgError(SqlState.InvalidDatetimeFormat, `${fn}: invalid input syntax for type interval: "${text}" (argument ${argName})`, { hint: "e.g. '7 days' or '36 hours'", cause });
  let us: unknown;
  try {
    us = await scalar(session, "SELECT epoch_us(TIMESTAMP '1970-01-01' + CAST($1 AS INTERVAL))", text);
  } catch (err) {
    throw invalid(err);
  }
  if (typeof us !== 'bigint') throw invalid();
  if (us <= 0n) throw new PgError(SqlState.InvalidParameterValue, `${fn}: ${argName} must be a positive interval, got "${text}"`);
  return Number(us);
}

/**
 * When a keep ends, as µs: 'never' (null), a length of time from now ('30 days'), or a moment
 * ('2027-01-01T00:00:00Z', in the session's time zone).
 */
export async function parseExpiry(session: Session, fn: string, text: string): Promise<number | null> {
  if (/^\s*(never|infinity)\s*$/i.test(text)) return null;
  const asInterval = await scalar(session, "SELECT epoch_us(TIMESTAMP '1970-01-01' + TRY_CAST($1 AS INTERVAL))", text).catch(() => null);
  if (typeof asInterval === 'bigint') return Date.now() * 1000 + Number(asInterval);
  await session.syncTimeZone();
  const at = await scalar(session, 'SELECT epoch_us(TRY_CAST($1 AS TIMESTAMPTZ))', text).catch(() => null);
  if (typeof at === 'bigint') return Number(at);
  throw new PgError(SqlState.InvalidDatetimeFormat, `${fn}: invalid expiry "${text}"`, { hint: "an interval from now ('30 days'), a timestamp ('2027-01-01T00:00:00Z') or 'never'" });
}

/** A process id as text; 22P02 otherwise (PostgreSQL's wording for a bad uuid). */
export function checkProcessId(text: string): string {
  const id = text.trim().toLowerCase();
  if (!UUID.test(id)) throw new PgError(SqlState.InvalidTextRepresentation, `invalid input syntax for type uuid: "${text}"`);
  return id;
}

/**
 * Process ids from a list ('id1, id2 …', separated by commas or spaces) or from a query whose
 * first column holds them (it may read the telemetry views, e.g.
 * `SELECT DISTINCT process_id FROM log_entries WHERE level <= 2`).
 */
export async function selectProcessIds(conn: Connection, session: Session, fn: string, text: string): Promise<string[]> {
  if (!QUERY_START.test(text)) {
    const ids = text.split(/[\s,]+/).filter((s) => s !== '');
    if (ids.length === 0) throw new PgError(SqlState.InvalidParameterValue, `${fn}: no process id given`, { hint: 'a list of process ids, or a query such as SELECT DISTINCT process_id FROM log_entries WHERE level <= 2' });
    return [...new Set(ids.map(checkProcessId))];
  }
  return runIdQuery(conn, session, fn, text);
}

async function runIdQuery(conn: Connection, session: Session, fn: string, sql: string): Promise<string[]> {
  await session.syncTimeZone();
  const views = session.views;
  const found = views ? await prepareViews(views, session, sql) : null;
  const releases = views && found ? await bindViews(views, conn, session, found, []) : [];
  try {
    const stmt = await session.engine.prepare(found ? found.rewrittenSql : sql);
    try {
      if (stmt.parameterCount > 0) throw new PgError(SqlState.InvalidParameterValue, `${fn}: the query may not have parameters`);
      const reader = await stmt.runAndReadAll();
      if (reader.columnCount !== 1) throw new PgError(SqlState.InvalidParameterValue, `${fn}: the query must return one column of process ids, it returns ${reader.columnCount}`);
      const ids = reader.getRows().map((r) => r[0]).filter((v) => v !== null).map((v) => checkProcessId(String(v)));
      return [...new Set(ids)];
    } finally {
      stmt.destroySync();
    }
  } finally {
    for (const release of releases) release();
  }
}
