import { TLSSocket } from 'node:tls';
import * as be from '../wire/backend.js';
import type { Frame } from '../wire/framing.js';
import { decodeStartup } from '../wire/frontend.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { beginAuthentication } from './authflow.js';
import type { Connection } from './connection.js';
import { openSession } from './open-session.js';

/**
 * Startup phase: SSLRequest/GSSENCRequest, CancelRequest, StartupMessage,
 * then the authentication exchange.
 * https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.7.3
 */
export type AuthStep = (data: Buffer) => Promise<void>;

export const DATABASE_NAME = 'sirius';

export async function handleStartupFrame(conn: Connection, frame: Frame): Promise<void> {
  if (conn.phase === 'auth') {
    if (frame.type !== 'p'.charCodeAt(0) || !conn.authStep) {
      throw PgError.protocol(`expected password response, got message type ${frame.type}`);
    }
    await conn.authStep(frame.body);
    return;
  }
  const msg = decodeStartup(frame.body);
  switch (msg.kind) {
    case 'ssl':
      return answerSsl(conn);
    case 'gssenc':
      // GSSAPI encryption is not offered; the client continues in the clear or with SSL.
      conn.socket.write(be.sslResponse(false));
      return;
    case 'cancel':
      conn.ctx.cancels.cancel(msg.pid, msg.key);
      conn.close();
      return;
    case 'startup':
      return startup(conn, msg.minor, msg.params);
  }
}

async function answerSsl(conn: Connection): Promise<void> {
  const tls = conn.ctx.tls;
  if (!tls || conn.socket instanceof TLSSocket) {
    conn.socket.write(be.sslResponse(false));
    return;
  }
  // Bytes sent before the handshake would be processed as if encrypted (CVE-2021-23214).
  if (conn.reader.pending > 0) throw PgError.protocol('received unencrypted data after SSL request');
  conn.socket.write(be.sslResponse(true));
  conn.socket.removeAllListeners('data');
  conn.socket.removeAllListeners('close');
  const secure = new TLSSocket(conn.socket, { isServer: true, secureContext: tls });
  conn.attach(secure);
}

async function startup(conn: Connection, minor: number, params: Map<string, string>): Promise<void> {
  conn.reader.typed = true;
  const { ctx } = conn;
  const unsupported = [...params.keys()].filter((k) => k.startsWith('_pq_.'));
  if (minor > 0 || unsupported.length > 0) be.negotiateProtocolVersion(conn.out, 0, unsupported);
  if (ctx.active.size >= ctx.config.maxConnections) {
    throw PgError.fatal(SqlState.TooManyConnections, 'sorry, too many clients already');
  }
  const user = params.get('user');
  if (!user) throw PgError.fatal(SqlState.InvalidAuthorizationSpecification, 'no PostgreSQL user name specified in startup packet');
  ctx.active.add(conn);
  conn.phase = 'auth';
  conn.log = conn.log.child({ user, app: params.get('application_name') });
  await beginAuthentication(conn, user, async (admin) => {
    const database = params.get('database') || user;
    if (database !== DATABASE_NAME) throw PgError.fatal(SqlState.InvalidCatalogName, `database "${database}" does not exist`);
    await openSession(conn, user, admin, params);
  });
}
