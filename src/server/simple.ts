import { splitStatements } from '../sql/split.js';
import * as be from '../wire/backend.js';
import { PgError } from '../wire/pg-error.js';
import type { Connection } from './connection.js';
import { executePortal } from './execute.js';
import { Portal } from './portal.js';
import { prepareQuery } from './prepare.js';

/**
 * Simple query protocol: one Query message, any number of statements, one
 * ReadyForQuery at the end; the first error stops the rest.
 * https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-SIMPLE-QUERY
 */
export async function handleSimpleQuery(conn: Connection, sql: string): Promise<void> {
  const session = conn.session!;
  const parts = splitStatements(sql);
  if (parts.length === 0) be.emptyQueryResponse(conn.out);
  for (const part of parts) {
    try {
      const query = await prepareQuery(session, part.text);
      let portal: Portal | null = null;
      try {
        portal = new Portal('', query, [], [], [], session.encodeContext());
        if (portal.fields) be.rowDescription(conn.out, portal.fields);
        await executePortal(conn, session, portal, 0);
      } finally {
        portal?.close();
        query.close();
      }
    } catch (err) {
      await conn.fail(shiftPosition(err, codePoints(sql, part.offset)));
      break;
    }
    if (conn.isClosed) return;
  }
  be.readyForQuery(conn.out, session.txStatus);
  await conn.flush();
}

/** PostgreSQL's error positions count characters (code points), not UTF-16 units. */
function codePoints(sql: string, utf16Offset: number): number {
  let n = 0;
  for (const _ of sql.slice(0, utf16Offset)) n++;
  return n;
}

/** Error positions from DuckDB are relative to the statement; the client wants them relative to its string. */
function shiftPosition(err: unknown, offset: number): unknown {
  if (!(err instanceof PgError) || !err.position || offset === 0) return err;
  return new PgError(err.code, err.message, {
    severity: err.severity,
    detail: err.detail,
    hint: err.hint,
    position: err.position + offset,
    cause: err.cause,
  });
}
