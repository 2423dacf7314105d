import type { DuckDBType } from '@duckdb/node-api';
import { pgTypeOf } from '../pgtypes/mapping.js';
import { bindParam } from '../pgtypes/params.js';
import { commandTag, readsOnly } from '../sql/classify.js';
import * as be from '../wire/backend.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { Connection } from './connection.js';
import { expandFormats, type Portal } from './portal.js';
import { checkNotFailed, checkWritable } from './prepare.js';
import type { Session } from './session.js';
import { runSessionCommand } from './session-commands.js';
import { bindViews, viewVersions } from './views.js';
import { runAdminCalls } from './admin-calls.js';
import { bindInstanceParams } from './instance-params.js';
import { bindNumericScales } from './numeric-params.js';
import { constantCounters, keepResult, mayDefineFunctions } from './constant-results.js';

/**
 * Runs a portal: starts it on first Execute, then streams DataRows until the
 * result ends (CommandComplete) or maxRows is reached (PortalSuspended).
 * Rows are encoded straight from DuckDB chunks; output is flushed every
 * FLUSH_BYTES and waits for the socket to drain, so memory stays flat.
 */
export async function executePortal(conn: Connection, session: Session, portal: Portal, maxRows: number): Promise<void> {
  const target = portal.query.target;
  if (target.kind === 'empty') {
    be.emptyQueryResponse(conn.out);
    return;
  }
  checkNotFailed(session, target.kind === 'command' ? target.command : null);
  checkWritable(session, portal.query);
  if (portal.done) {
    be.commandComplete(conn.out, commandTag(portal.query.statementKind, portal.query.sql, 0));
    return;
  }
  await withStatementLimits(session, async () => {
    if (!portal.started) await startPortal(conn, session, portal);
    if (portal.done) return;
    const { suspended, sent } = await sendRows(conn, portal, maxRows);
    if (suspended) {
      be.portalSuspended(conn.out);
      return;
    }
    portal.done = true;
    // as PostgreSQL: the tag counts the rows of this Execute, not of the whole portal
    const count = portal.writeRows ? sent : await affectedRows(portal);
    be.commandComplete(conn.out, commandTag(portal.query.statementKind, portal.query.sql, count));
    portal.close();
  });
}

async function startPortal(conn: Connection, session: Session, portal: Portal): Promise<void> {
  portal.started = true;
  const target = portal.query.target;
  if (target.kind === 'command') {
    await session.parkOpenPortals(portal);
    const result = await runSessionCommand(conn, session, target.command);
    portal.stream = result.stream;
    if (!result.stream) {
      portal.done = true;
      be.commandComplete(conn.out, result.tag);
    }
    return;
  }
  if (target.kind !== 'duck') return;
  const query = portal.query;
  const generation = session.engine.generation;
  const current = query.generation === generation;
  if (query.kept && current) {
    constantCounters.replayed++;
    portal.stream = query.kept.stream();
    return;
  }
  await session.parkOpenPortals(portal);
  let stmt = target.stmt;
  const formats = expandFormats(portal.paramFormats, portal.params.length, 'parameter formats', 'parameters');
  const { admin, paramOids, bindOrder, numericParams } = portal.query;
  const values = { params: portal.params, formats, oids: paramOids };
  const instances = portal.query.views && bindInstanceParams(portal.query.views, target.sql, values);
  const views = instances ? instances.views : portal.query.views;
  const instanceSql = instances ? instances.sql : target.sql;
  // `$n::numeric` takes its value's scale: this execution's text has them (server/numeric-params.ts)
  const numeric = numericParams.size > 0;
  const sql = numeric ? bindNumericScales(instanceSql, values, bindOrder) : instanceSql;
  if (admin && session.views) await runAdminCalls(session.views.lakehouse.admin(), conn, session, admin);
  if (views && session.views) portal.releases = await bindViews(session.views, conn, session, views, portal.params);
  const overViews = (admin || views) && session.views;
  if (overViews || numeric) {
    // DuckDB does not re-bind a prepared statement when a TEMP VIEW it reads is replaced, and one planned over
    // an empty table returns garbage strings under ORDER BY once rows arrive (DuckDB 1.5): prepare it again,
    // unless a statement prepared at an earlier Execute had this text and read exactly the relations bound now
    const key = overViews && admin ? null : { sql, versions: overViews ? viewVersions(session, views!) : NO_VIEWS };
    stmt = (key && portal.query.bound.take(key)) || (await session.engine.prepare(sql));
    portal.ownStatement = stmt;
    portal.ownKey = key;
  } else if (!current) {
    // prepared before a change in some session (schema, search_path, a function…): PostgreSQL plans it again,
    // and DuckDB does not always bind it again by itself (a statement without parameters keeps its old names)
    stmt = await session.engine.prepare(sql);
    query.renew(stmt, generation);
  }
  stmt.clearBindings();
  // view_instance parameters are not DuckDB's: bindOrder says which client parameter each of DuckDB's is
  const count = bindOrder ? bindOrder.length : portal.params.length;
  for (let k = 0; k < count; k++) {
    const i = bindOrder ? bindOrder[k] : k;
    if (i >= portal.params.length) throw new PgError(SqlState.UndefinedParameter, `there is no parameter $${i + 1}`);
    bindParam(stmt, k + 1, paramOids[i] ?? 0, formats[i], portal.params[i]);
  }
  // a statement over telemetry views scans partitions: it is long, so this thread does not wait for it
  portal.stream = await session.engine.execute(stmt, portal.query.sql, { mayWaitHere: !views });
  checkResultShape(portal);
  if (!readsOnly(query.statementKind)) {
    session.engine.changed();
    if (mayDefineFunctions(query.sql)) session.engine.functionsChanged();
  }
  if (query.constant && current) {
    const { kept, stream } = await keepResult(portal.stream);
    portal.stream = stream;
    // kept only if nothing changed while it ran: the rows are those of this generation
    if (session.engine.generation === generation) query.kept = kept;
    query.constant = kept !== null;
  }
}


const NO_VIEWS = new Map<string, number>();

/**
 * A statement prepared before a schema change must not send rows that its RowDescription did not announce.
 * A column whose scale follows a numeric parameter may change its DECIMAL, within the type it announced.
 * A NULL parameter makes DuckDB bind the statement again with that NULL as a constant, and fold what
 * depends on it (`$1::text || 'x'`) to a NULL of another type (INTEGER): such a column is sent as the NULLs
 * it holds, under the type announced — and checked to hold nothing else (sendRows).
 */
function checkResultShape(portal: Portal): void {
  const cols = portal.query.columns;
  const stream = portal.stream;
  portal.nullColumns = null;
  if (!cols || !stream || !stream.returnsRows) return;
  const sameType = (t: DuckDBType, i: number): boolean =>
    t.toString() === cols[i].type.toString() || (cols[i].varies === true && pgTypeOf(t).oid === pgTypeOf(cols[i].type).oid);
  if (stream.types.length !== cols.length) throw new PgError(SqlState.FeatureNotSupported, 'cached plan must not change result type');
  const folded = stream.types.flatMap((t, i) => (sameType(t, i) ? [] : [i]));
  if (folded.length > 0) {
    if (!portal.params.includes(null)) throw new PgError(SqlState.FeatureNotSupported, 'cached plan must not change result type');
    portal.nullColumns = folded;
  }
  if (folded.length > 0 || cols.some((c, i) => c.varies && stream.types[i].toString() !== c.type.toString())) portal.useResultTypes(stream.types);
}

/** The columns DuckDB folded to NULL (checkResultShape) hold only NULLs; anything else would be sent under a wrong type. */
function checkNullColumns(portal: Portal, chunk: NonNullable<Portal['chunk']>, from: number, to: number): void {
  for (const c of portal.nullColumns ?? []) {
    const vector = chunk.getColumnVector(c);
    for (let r = from; r < to; r++) {
      if (vector.getItem(r) !== null) throw new PgError(SqlState.FeatureNotSupported, 'cached plan must not change result type');
    }
  }
}

/** Sends up to maxRows rows; `suspended` when maxRows stopped the result before its end. */
async function sendRows(conn: Connection, portal: Portal, maxRows: number): Promise<{ suspended: boolean; sent: number }> {
  const write = portal.writeRows;
  if (!write || !portal.stream) return { suspended: false, sent: 0 };
  const limit = maxRows > 0 ? maxRows : Infinity;
  let sent = 0;
  for (;;) {
    if (!portal.chunk || portal.row >= portal.chunk.rowCount) {
      portal.chunk = await portal.nextChunk();
      portal.row = 0;
      if (!portal.chunk) return { suspended: false, sent };
    }
    if (sent >= limit) return { suspended: true, sent };
    const take = Math.min(portal.chunk.rowCount - portal.row, limit - sent);
    if (portal.nullColumns) checkNullColumns(portal, portal.chunk, portal.row, portal.row + take);
    write(portal.chunk, conn.out, portal.row, portal.row + take);
    portal.row += take;
    sent += take;
    await conn.maybeFlush();
    if (conn.isClosed) throw new PgError(SqlState.ConnectionFailure, 'client closed the connection');
  }
}

/** statement_timeout and cancel: interrupts DuckDB and reports 57014 with PostgreSQL's wording. */
async function withStatementLimits(session: Session, fn: () => Promise<void>): Promise<void> {
  const timeoutMs = session.settings.statementTimeoutMs();
  const timer = timeoutMs > 0 ? setTimeout(() => {
    session.cancelReason ??= 'timeout';
    session.engine.interrupt();
    session.statementAbort?.abort();
  }, timeoutMs) : null;
  session.running = true;
  session.cancelReason = null;
  session.statementAbort = new AbortController();
  try {
    await fn();
  } catch (err) {
    throw interruptedError(err, session.cancelReason);
  } finally {
    if (timer) clearTimeout(timer);
    session.running = false;
    session.cancelReason = null;
    session.statementAbort = null;
  }
}

function interruptedError(err: unknown, reason: Session['cancelReason']): unknown {
  if (!(err instanceof PgError) || err.code !== SqlState.QueryCanceled) return err;
  if (!reason) {
    // nobody canceled it: a row failed in another of DuckDB's threads, which then interrupted the one streaming
    // the result, and DuckDB kept only "Interrupted!" (a race inside DuckDB 1.5) — not a cancel, and not an end
    return new PgError(SqlState.InternalError, 'the query failed in one of DuckDB\'s worker threads, which reported only "Interrupted!"', {
      hint: 'run it again to see the error of the failing row',
      cause: err,
    });
  }
  const why = reason === 'timeout' ? 'statement timeout' : 'user request';
  return new PgError(SqlState.QueryCanceled, `canceling statement due to ${why}`, { cause: err });
}

/**
 * Rows affected by a statement that returns no rows to the client: DuckDB
 * reports them as changed rows, or as a one-row "Count" result (INSERT,
 * CREATE TABLE AS …), which PostgreSQL puts in the command tag instead.
 */
async function affectedRows(portal: Portal): Promise<number> {
  const stream = portal.stream;
  if (!stream) return 0;
  if (stream.rowsChanged > 0) return stream.rowsChanged;
  const chunk = await portal.nextChunk();
  if (!chunk || stream.names.length !== 1 || stream.names[0] !== 'Count') return 0;
  const v = chunk.getColumnVector(0).getItem(0);
  return typeof v === 'bigint' || typeof v === 'number' ? Number(v) : 0;
}
