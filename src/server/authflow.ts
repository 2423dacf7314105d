import * as be from '../wire/backend.js';
import { PgError } from '../wire/pg-error.js';
import { MessageReader } from '../wire/reader.js';
import { authLogDetail, md5Challenge, passwordMethodFor, ScramExchange, verifyCleartext, verifyMd5 } from './auth/index.js';
import type { Connection } from './connection.js';
import type { AuthStep } from './startup.js';

/**
 * Drives the authentication exchange over the client's 'p' messages.
 * https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-START-UP
 * Trust when no users are configured; otherwise the configured method.
 */
export async function beginAuthentication(
  conn: Connection,
  user: string,
  onSuccess: (admin: boolean) => Promise<void>,
): Promise<void> {
  const users = conn.ctx.users;
  if (!users) {
    be.authenticationOk(conn.out);
    await onSuccess(true);
    return;
  }
  const entry = users.lookup(user);
  const method = passwordMethodFor(conn.ctx.config.authMethod, entry);
  const succeed = async (): Promise<void> => {
    conn.authStep = null;
    be.authenticationOk(conn.out);
    conn.log.info({ method }, 'authenticated');
    await onSuccess(entry?.admin ?? false);
  };
  const step = (fn: AuthStep): AuthStep => async (data) => {
    try {
      await fn(data);
    } catch (err) {
      // the reason (unknown user, wrong proof…) goes to the log only, never to the client
      if (err instanceof PgError) conn.log.warn({ method, reason: authLogDetail(err) }, 'authentication failed');
      throw err;
    }
  };
  switch (method) {
    case 'password':
      be.authenticationCleartext(conn.out);
      conn.authStep = step(async (data) => {
        verifyCleartext(entry, user, passwordText(data));
        await succeed();
      });
      break;
    case 'md5': {
      const salt = md5Challenge();
      be.authenticationMd5(conn.out, salt);
      conn.authStep = step(async (data) => {
        verifyMd5(entry, user, salt, passwordText(data));
        await succeed();
      });
      break;
    }
    case 'scram-sha-256': {
      const exchange = new ScramExchange(user, entry);
      be.authenticationSasl(conn.out, ['SCRAM-SHA-256']);
      conn.authStep = step(async (data) => {
        const r = new MessageReader(data, 'SASLInitialResponse');
        const mechanism = r.cstr();
        const len = r.i32();
        // length -1: no initial response; the exchange answers with an empty challenge as PostgreSQL does
        const first = len < 0 ? null : r.bytes(len);
        r.end();
        be.authenticationSaslContinue(conn.out, exchange.clientFirst(mechanism, first));
        const next: AuthStep = step(async (response) => {
          const reply = exchange.respond(response);
          if (!exchange.finished) {
            be.authenticationSaslContinue(conn.out, reply);
            return;
          }
          be.authenticationSaslFinal(conn.out, reply);
          await succeed();
        });
        conn.authStep = next;
      });
      break;
    }
  }
}

function passwordText(data: Buffer): string {
  const r = new MessageReader(data, 'PasswordMessage');
  const s = r.cstr();
  r.end();
  return s;
}
