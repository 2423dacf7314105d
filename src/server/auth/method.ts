import type { Config } from '../../config/config.js';
import type { UserEntry } from './users.js';

export type PasswordMethod = Config['authMethod'];

/**
 * The challenge to send a user, given the configured method. As in
 * PostgreSQL, `md5` is upgraded to SCRAM for a user whose secret is a SCRAM
 * verifier, since no MD5 response can be checked against one
 * (https://www.postgresql.org/docs/15/auth-password.html). Unknown users get
 * the configured method, so the choice reveals nothing about them.
 */
export function passwordMethodFor(configured: PasswordMethod, entry: UserEntry | undefined): PasswordMethod {
  if (configured === 'md5' && entry?.secret.kind === 'scram') return 'scram-sha-256';
  return configured;
}
