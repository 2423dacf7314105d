import { createRequire } from 'node:module';
import { expect } from 'vitest';
import { PgError } from '../../../src/wire/pg-error.js';
import { authLogDetail } from '../../../src/server/auth/errors.js';
import type { ScramExchange } from '../../../src/server/auth/scram.js';

/**
 * node-postgres's own client-side SASL and MD5 code (pg/lib/crypto), loaded as
 * the driver loads it, so the server side is checked against a real client
 * rather than against our reading of the RFC.
 */
export interface PgSaslSession {
  mechanism: string;
  clientNonce: string;
  response: string;
  message: string;
  serverSignature?: string;
}

interface PgSasl {
  startSession(mechanisms: readonly string[], stream?: object): PgSaslSession;
  continueSession(session: PgSaslSession, password: string, serverData: string, stream?: object): Promise<void>;
  finalizeSession(session: PgSaslSession, serverData: string): void;
}

interface PgCryptoUtils {
  postgresMd5PasswordHash(user: string, password: string, salt: Buffer): Promise<string>;
}

const require = createRequire(import.meta.url);
export const pgSasl = require('pg/lib/crypto/sasl.js') as PgSasl;
export const pgCrypto = require('pg/lib/crypto/utils.js') as PgCryptoUtils;

/** A stand-in for a TLS socket: node-postgres then announces channel-binding support ('y'). */
export const tlsStream = {};

/** Runs a whole exchange with node-postgres's client; resolves when the client accepted the server's signature. */
export async function pgLogin(
  exchange: ScramExchange,
  password: string,
  opts: { mechanisms?: readonly string[]; stream?: object } = {},
): Promise<PgSaslSession> {
  const session = pgSasl.startSession(opts.mechanisms ?? ['SCRAM-SHA-256'], opts.stream);
  const serverFirst = exchange.clientFirst(session.mechanism, Buffer.from(session.response, 'utf8'));
  await pgSasl.continueSession(session, password, serverFirst.toString('utf8'), opts.stream);
  const serverFinal = exchange.clientFinal(Buffer.from(session.response, 'utf8'));
  pgSasl.finalizeSession(session, serverFinal.toString('utf8'));
  expect(exchange.finished).toBe(true);
  return session;
}

/** The PgError that `fn` throws (fails the test when it throws nothing or something else). */
export async function pgErrorOf(fn: () => unknown): Promise<PgError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PgError);
    return err as PgError;
  }
  throw new Error('expected a PgError, nothing was thrown');
}

/** PostgreSQL's answer to any failed password check: the same for every cause. */
export function expectPasswordFailure(err: PgError, user: string, logDetail: string): void {
  expect({ code: err.code, severity: err.severity, message: err.message, detail: err.detail }).toEqual({
    code: '28P01',
    severity: 'FATAL',
    message: `password authentication failed for user "${user}"`,
    detail: undefined,
  });
  expect(authLogDetail(err)).toBe(logDetail);
}
