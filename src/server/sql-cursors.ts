import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { Connection } from './connection.js';
import { Portal } from './portal.js';
import { prepareQuery, type ColumnInfo } from './prepare.js';
import type { Session } from './session.js';

/**
 * SQL cursors (DECLARE / FETCH / MOVE; CLOSE is session-commands.ts's): a cursor is a named portal of the
 * session, as in PostgreSQL, so Describe Portal, CLOSE and the end of the transaction treat it like a
 * protocol-level one. Its rows stream from DuckDB across FETCHes; when another statement needs the
 * connection the rest of the result is parked in memory (Session.parkOpenPortals).
 */
export async function declareCursor(session: Session, name: string, binary: boolean, hold: boolean, body: string): Promise<void> {
  if (session.portals.has(name)) throw new PgError(SqlState.DuplicateCursor, `cursor "${name}" already exists`);
  if (hold) throw new PgError(SqlState.FeatureNotSupported, 'WITH HOLD cursors are not supported', { hint: 'Declare the cursor WITHOUT HOLD inside a transaction block.' });
  if (session.txStatus === 'I') throw new PgError(SqlState.NoActiveSqlTransaction, 'DECLARE CURSOR can only be used in transaction blocks');
  const query = await prepareQuery(session, body);
  const target = query.target;
  if (target.kind !== 'duck' || !query.columns) {
    query.close();
    throw new PgError('42P11' /* invalid_cursor_definition */, 'cannot open this query as a cursor', { detail: 'A cursor needs a query that returns rows.' });
  }
  if (query.views || query.admin) {
    query.close();
    throw new PgError(SqlState.FeatureNotSupported, 'cursors over the telemetry views are not supported', {
      hint: 'Read them with a protocol-level portal (a driver\'s fetch size) instead.',
    });
  }
  const portal = new Portal(name, query, [], [], binary ? [1] : [], session.encodeContext());
  query.close(); // the portal holds it now
  try {
    await session.parkOpenPortals(portal);
    target.stmt.clearBindings();
    portal.started = true;
    portal.stream = await session.engine.execute(target.stmt, query.sql, { mayWaitHere: true });
  } catch (err) {
    portal.close();
    throw err;
  }
  session.portals.set(name, portal);
}

/** The columns a FETCH from `name` returns (its RowDescription). */
export function cursorColumns(session: Session, name: string): ColumnInfo[] {
  return cursor(session, name).query.columns ?? [];
}

/** FETCH sends up to `count` rows (null: all) of the cursor as DataRows; MOVE skips them. Returns how many. */
export async function fetchCursor(conn: Connection, session: Session, name: string, count: number | null, move: boolean): Promise<number> {
  const portal = cursor(session, name);
  const write = portal.writeRows;
  const limit = count ?? Infinity;
  let n = 0;
  while (n < limit && !portal.done) {
    if (!portal.chunk || portal.row >= portal.chunk.rowCount) {
      portal.chunk = await portal.nextChunk();
      portal.row = 0;
      // DuckDB's result may not be read past its end: later FETCHes return no rows, as in PostgreSQL
      if (!portal.chunk) {
        portal.done = true;
        break;
      }
    }
    const take = Math.min(portal.chunk.rowCount - portal.row, limit - n);
    if (!move && write) write(portal.chunk, conn.out, portal.row, portal.row + take);
    portal.row += take;
    n += take;
    await conn.maybeFlush();
  }
  return n;
}

function cursor(session: Session, name: string): Portal {
  const p = session.portals.get(name);
  if (!p) throw new PgError(SqlState.InvalidCursorName, `cursor "${name}" does not exist`);
  return p;
}
