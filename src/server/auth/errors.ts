import { PgError } from '../../wire/pg-error.js';
import { SqlState } from '../../wire/sqlstate.js';

/**
 * Every failed password check, whatever its reason (unknown user, wrong
 * password, unusable secret), reaches the client with the same text and
 * SQLSTATE, so a client cannot probe which user names exist. The reason goes
 * to the server log only, the way PostgreSQL's errdetail_log does: it rides
 * along as the error's `cause`, which the wire layer logs but never sends.
 * Errors during authentication are FATAL: PostgreSQL promotes them because no
 * session exists yet to recover into.
 */
export function passwordAuthFailed(user: string, logDetail: string): PgError {
  return PgError.fatal(SqlState.InvalidPassword, `password authentication failed for user "${user}"`, {
    cause: new Error(logDetail),
  });
}

/** The reason for an authentication failure that is meant for the server log only. */
export function authLogDetail(err: PgError): string | undefined {
  return err.cause instanceof Error ? err.cause.message : undefined;
}

/** PostgreSQL's wording for any SCRAM message that does not follow RFC 5802's grammar. */
export function malformedScram(detail: string): PgError {
  return PgError.fatal(SqlState.ProtocolViolation, 'malformed SCRAM message', { detail });
}

export function scramProtocolError(message: string, detail?: string): PgError {
  return PgError.fatal(SqlState.ProtocolViolation, message, detail === undefined ? {} : { detail });
}

export function scramNotSupported(message: string): PgError {
  return PgError.fatal(SqlState.FeatureNotSupported, message);
}

/** Libpq treats an empty password as none and never sends it; other clients might (auth.c). */
export function emptyPassword(): PgError {
  return PgError.fatal(SqlState.InvalidPassword, 'empty password returned by client');
}

/**
 * A client byte shown in an error message (PG's sanitize_char): printable
 * ASCII quoted, anything else in hex, so an unauthenticated client cannot put
 * arbitrary bytes in our logs. The end of the message reads as PG's NUL, 0x00.
 */
export function sanitizeChar(code: number | undefined): string {
  if (code === undefined) return '0x00';
  if (code >= 0x21 && code <= 0x7e) return `'${String.fromCharCode(code)}'`;
  return '0x' + code.toString(16).padStart(2, '0');
}

