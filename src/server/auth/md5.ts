import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { emptyPassword, passwordAuthFailed } from './errors.js';
import { scramPassword } from './saslprep.js';
import { hmacSha256, saltedPassword } from './scram-keys.js';
import type { UserEntry } from './users.js';

/**
 * The two password methods that are not SASL: AuthenticationMD5Password and
 * AuthenticationCleartextPassword, checked as PostgreSQL's crypt.c does.
 * https://www.postgresql.org/docs/15/auth-password.html
 * https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.7.3
 */

export const MD5_SALT_LEN = 4;

const md5Hex = (data: Buffer): string => createHash('md5').update(data).digest('hex');

/** PostgreSQL's stored MD5 form: 'md5' + md5(password || user), lowercase hex. */
export function md5PasswordHash(password: string, user: string): string {
  return 'md5' + md5Hex(Buffer.from(password + user, 'utf8'));
}

/** The salt sent in AuthenticationMD5Password: fresh for every attempt, so a sniffed response cannot be replayed. */
export function md5Challenge(): Buffer {
  return randomBytes(MD5_SALT_LEN);
}

/** Compares through SHA-256 digests so neither the content nor the length of the expected value leaks through timing. */
function sameSecret(expected: string, given: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/**
 * Checks a PasswordMessage answering AuthenticationMD5Password: the client
 * sends 'md5' + md5(md5(password || user) || salt). Throws a FATAL PgError
 * (28P01) on any failure. A SCRAM verifier cannot answer this challenge (the
 * password cannot be recovered from it); callers avoid that case with
 * passwordMethodFor(), as PostgreSQL switches such users to SCRAM.
 */
export function verifyMd5(entry: UserEntry | undefined, user: string, salt: Buffer, response: string): void {
  if (salt.length !== MD5_SALT_LEN) throw new RangeError(`MD5 salt must be ${MD5_SALT_LEN} bytes, got ${salt.length}`);
  if (response === '') throw emptyPassword();
  if (!entry) throw passwordAuthFailed(user, `Role "${user}" does not exist.`);
  const secret = entry.secret;
  let stored: string;
  if (secret.kind === 'md5') stored = secret.hash;
  else if (secret.kind === 'plain') stored = md5PasswordHash(secret.password, user);
  else throw passwordAuthFailed(user, `User "${user}" has a password that cannot be used with MD5 authentication.`);
  const expected = 'md5' + md5Hex(Buffer.concat([Buffer.from(stored.slice(3), 'latin1'), salt]));
  if (!sameSecret(expected, response)) throw passwordAuthFailed(user, `Password does not match for user "${user}".`);
}

/**
 * Checks a PasswordMessage answering AuthenticationCleartextPassword against
 * any kind of secret. Plain secrets compare after SASLprep, so a password that
 * SCRAM would accept is accepted here too.
 */
export function verifyCleartext(entry: UserEntry | undefined, user: string, response: string): void {
  if (response === '') throw emptyPassword();
  if (!entry) throw passwordAuthFailed(user, `Role "${user}" does not exist.`);
  const secret = entry.secret;
  let matches: boolean;
  if (secret.kind === 'plain') {
    matches = sameSecret(scramPassword(secret.password), scramPassword(response));
  } else if (secret.kind === 'md5') {
    matches = sameSecret(secret.hash, md5PasswordHash(response, user));
  } else {
    // As scram_verify_plain_password: recompute ServerKey with the verifier's salt and iterations.
    const serverKey = hmacSha256(saltedPassword(response, secret.salt, secret.iterations), 'Server Key');
    matches = timingSafeEqual(serverKey, secret.serverKey);
  }
  if (!matches) throw passwordAuthFailed(user, `Password does not match for user "${user}".`);
}
