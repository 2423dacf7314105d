import type { FrontendMessage } from '../wire/frontend.js';
import * as be from '../wire/backend.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { Connection } from './connection.js';
import { executePortal } from './execute.js';
import { checkParamCount, Portal } from './portal.js';
import { prepareQuery } from './prepare.js';
import type { Session } from './session.js';

type Extended = Extract<FrontendMessage, { kind: 'parse' | 'bind' | 'describe' | 'execute' | 'close' | 'sync' | 'flush' }>;

/**
 * Extended query protocol: Parse, Bind, Describe, Execute, Close, Sync, Flush.
 * https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 */
export function handleExtended(conn: Connection, msg: Extended): Promise<void> | void {
  const session = conn.session!;
  switch (msg.kind) {
    case 'parse':
      return parse(conn, session, msg);
    case 'bind':
      return bind(conn, session, msg);
    case 'describe':
      return describe(conn, session, msg.target, msg.name);
    case 'execute':
      return executePortal(conn, session, portalNamed(session, msg.portal), msg.maxRows);
    case 'close':
      return close(conn, session, msg.target, msg.name);
    case 'sync':
      return sync(conn, session);
    case 'flush':
      return conn.flush();
  }
}

async function parse(conn: Connection, session: Session, msg: Extract<Extended, { kind: 'parse' }>): Promise<void> {
  if (msg.name !== '' && session.statements.has(msg.name)) {
    throw new PgError(SqlState.DuplicatePreparedStatement, `prepared statement "${msg.name}" already exists`);
  }
  const query = await prepareQuery(session, msg.sql, msg.paramOids);
  session.statements.get(msg.name)?.close();
  session.statements.set(msg.name, query);
  be.parseComplete(conn.out);
}

function bind(conn: Connection, session: Session, msg: Extract<Extended, { kind: 'bind' }>): void {
  const query = statementNamed(session, msg.statement);
  if (msg.portal !== '' && session.portals.has(msg.portal)) {
    throw new PgError(SqlState.DuplicateCursor, `cursor "${msg.portal}" already exists`);
  }
  checkParamCount(msg.statement, msg.params.length, query.paramOids.length);
  const portal = new Portal(msg.portal, query, msg.params, msg.paramFormats, msg.resultFormats, session.encodeContext());
  session.portals.get(msg.portal)?.close();
  session.portals.set(msg.portal, portal);
  be.bindComplete(conn.out);
}

function describe(conn: Connection, session: Session, target: 'S' | 'P', name: string): void {
  if (target === 'S') {
    const query = statementNamed(session, name);
    be.parameterDescription(conn.out, query.paramOids);
    const textPortal = new Portal('', query, [], [], [], session.encodeContext());
    textPortal.close();
    if (textPortal.fields) be.rowDescription(conn.out, textPortal.fields);
    else be.noData(conn.out);
    return;
  }
  const portal = portalNamed(session, name);
  if (portal.fields) be.rowDescription(conn.out, portal.fields);
  else be.noData(conn.out);
}

function close(conn: Connection, session: Session, target: 'S' | 'P', name: string): void {
  if (target === 'S') {
    session.statements.get(name)?.close();
    session.statements.delete(name);
  } else {
    session.portals.get(name)?.close();
    session.portals.delete(name);
  }
  be.closeComplete(conn.out);
}

function sync(conn: Connection, session: Session): Promise<void> | void {
  conn.skipToSync = false;
  // Outside a transaction block, Sync ends the implicit transaction and with it every portal.
  if (session.txStatus === 'I') session.closeTransactionPortals();
  be.readyForQuery(conn.out, session.txStatus);
  return conn.flush();
}

function statementNamed(session: Session, name: string) {
  const q = session.statements.get(name);
  if (!q) throw new PgError(SqlState.InvalidSqlStatementName, `prepared statement "${name}" does not exist`);
  return q;
}

function portalNamed(session: Session, name: string): Portal {
  const p = session.portals.get(name);
  if (!p) throw new PgError(SqlState.InvalidCursorName, `portal "${name}" does not exist`);
  return p;
}
