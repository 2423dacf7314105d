import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { scramPassword } from './saslprep.js';

/** SCRAM-SHA-256 constants as PostgreSQL sets them (src/include/common/scram-common.h). */
export const SCRAM_KEY_LEN = 32;
export const SCRAM_DEFAULT_ITERATIONS = 4096;
export const SCRAM_DEFAULT_SALT_LEN = 16;

/** What a server needs to check a SCRAM proof: never the password itself (RFC 5802 section 3). */
export interface ScramKeys {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

export const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

export const hmacSha256 = (key: Buffer, data: Buffer | string): Buffer =>
  createHmac('sha256', key).update(typeof data === 'string' ? Buffer.from(data, 'latin1') : data).digest();

/** SaltedPassword := Hi(Normalize(password), salt, i), Hi being PBKDF2 with HMAC-SHA-256. */
export function saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(scramPassword(password), 'utf8'), salt, iterations, SCRAM_KEY_LEN, 'sha256');
}

export function deriveScramKeys(password: string, salt: Buffer, iterations: number): ScramKeys {
  const salted = saltedPassword(password, salt, iterations);
  return {
    iterations,
    salt,
    storedKey: sha256(hmacSha256(salted, 'Client Key')),
    serverKey: hmacSha256(salted, 'Server Key'),
  };
}

/**
 * Keys for a password held in clear (Config.password or a plain users-file
 * line), derived once per secret and process rather than per login: PBKDF2
 * costs about a millisecond of blocked event loop. One stable salt per secret
 * is also what a stored verifier looks like to a client; a fresh salt each
 * time would set such users apart from ones with verifiers and from unknown
 * ones (whose mock salt is stable too). Keyed by the secret object, not the
 * password, so two users who share a password still get different salts.
 */
const derivedForSecret = new WeakMap<object, ScramKeys>();

export function keysForPlainSecret(secret: { readonly password: string }): ScramKeys {
  let keys = derivedForSecret.get(secret);
  if (!keys) {
    keys = deriveScramKeys(secret.password, randomBytes(SCRAM_DEFAULT_SALT_LEN), SCRAM_DEFAULT_ITERATIONS);
    derivedForSecret.set(secret, keys);
  }
  return keys;
}

/** A per-process secret standing in for PostgreSQL's cluster-wide mock authentication nonce. */
const mockNonce = randomBytes(32);

/**
 * Plausible keys for a user that cannot succeed (unknown, or no SCRAM-capable
 * secret): the salt is derived from the user name so repeated attempts see the
 * same salt, as they would for a real user (auth-scram.c scram_mock_salt).
 */
export function mockScramKeys(user: string): ScramKeys {
  const salt = sha256(Buffer.concat([Buffer.from(user, 'utf8'), mockNonce])).subarray(0, SCRAM_DEFAULT_SALT_LEN);
  const zero = Buffer.alloc(SCRAM_KEY_LEN);
  return { iterations: SCRAM_DEFAULT_ITERATIONS, salt, storedKey: zero, serverKey: zero };
}
