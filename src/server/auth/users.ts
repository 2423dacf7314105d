import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../config/config.js';
import { decodeBase64 } from './base64.js';
import { SCRAM_DEFAULT_ITERATIONS, SCRAM_DEFAULT_SALT_LEN, SCRAM_KEY_LEN, deriveScramKeys, type ScramKeys } from './scram-keys.js';

/**
 * Who may log in, and with what secret. Secrets use the formats of
 * PostgreSQL's pg_authid.rolpassword, so a verifier can be copied from one to
 * the other. https://www.postgresql.org/docs/15/catalog-pg-authid.html
 */
export type PasswordSecret =
  | { kind: 'plain'; password: string }
  | ({ kind: 'scram' } & ScramKeys)
  | { kind: 'md5'; hash: string /* 'md5' + md5(password + user) */ };

export interface UserEntry {
  name: string;
  admin: boolean;
  secret: PasswordSecret;
}

const SCRAM_PREFIX = 'SCRAM-SHA-256$';
const MD5_HASH = /^md5[0-9a-f]{32}$/;
const ADMIN_SUFFIX = ':admin';

/** `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64 fields (auth-scram.c parse_scram_secret). */
export function formatScramSecret(keys: ScramKeys): string {
  const b64 = (b: Buffer): string => b.toString('base64');
  return `${SCRAM_PREFIX}${keys.iterations}:${b64(keys.salt)}$${b64(keys.storedKey)}:${b64(keys.serverKey)}`;
}

/** The parsed verifier, or a sentence saying what is wrong with it. */
export function parseScramSecret(text: string): ScramKeys | string {
  const m = /^SCRAM-SHA-256\$([^:$]*):([^:$]*)\$([^:$]*):([^:$]*)$/.exec(text);
  if (!m) return `expected ${SCRAM_PREFIX}<iterations>:<salt>$<StoredKey>:<ServerKey>`;
  const [, iterText, saltText, storedText, serverText] = m;
  if (!/^[1-9][0-9]{0,9}$/.test(iterText) || Number(iterText) > 0x7fffffff) {
    return `iteration count '${iterText}' is not a positive integer`;
  }
  const salt = decodeBase64(saltText);
  if (!salt || salt.length === 0) return 'salt is not non-empty base64';
  const storedKey = decodeBase64(storedText);
  const serverKey = decodeBase64(serverText);
  if (storedKey?.length !== SCRAM_KEY_LEN) return `StoredKey is not base64 of ${SCRAM_KEY_LEN} bytes`;
  if (serverKey?.length !== SCRAM_KEY_LEN) return `ServerKey is not base64 of ${SCRAM_KEY_LEN} bytes`;
  return { iterations: Number(iterText), salt, storedKey, serverKey };
}

/**
 * A verifier for `password` in PostgreSQL's format (what `CREATE ROLE …
 * PASSWORD` stores with password_encryption = scram-sha-256), for users files
 * that should not hold passwords in clear. The salt is random unless given.
 */
export function scramVerifier(
  password: string,
  iterations = SCRAM_DEFAULT_ITERATIONS,
  salt: Buffer = randomBytes(SCRAM_DEFAULT_SALT_LEN),
): string {
  if (password === '') throw new RangeError('a SCRAM verifier needs a non-empty password');
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`invalid iteration count ${iterations}`);
  return formatScramSecret(deriveScramKeys(password, salt, iterations));
}

/** A secret as written in a users file: a SCRAM verifier, an MD5 hash, or else a password in clear. */
export function parseSecret(text: string): PasswordSecret | string {
  if (text === '') return 'empty password (PostgreSQL does not allow one either)';
  if (text.startsWith(SCRAM_PREFIX)) {
    const keys = parseScramSecret(text);
    return typeof keys === 'string' ? `malformed SCRAM verifier: ${keys}` : { kind: 'scram', ...keys };
  }
  if (MD5_HASH.test(text)) return { kind: 'md5', hash: text };
  if (/^md5[0-9a-fA-F]{32}$/.test(text)) return 'MD5 hash must be lowercase hex, as PostgreSQL writes it';
  return { kind: 'plain', password: text };
}

/**
 * One user per line: `name:secret` or `name:secret:admin`; the name ends at the
 * first ':', so a name cannot hold one, while a secret can (verifiers do) as
 * long as it does not itself end in ':admin'. Lines are taken byte for byte
 * apart from a trailing CR: a password may begin or end with spaces. Lines
 * whose first non-blank character is '#' are comments.
 */
export function parseUsersFile(text: string, source: string): Map<string, UserEntry> {
  const users = new Map<string, UserEntry>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (/^\s*(#|$)/.test(line)) continue;
    const fail = (why: string): never => {
      throw new ConfigError(`${source}:${i + 1}: ${why}`);
    };
    const colon = line.indexOf(':');
    if (colon < 0) fail("expected 'name:password' or 'name:password:admin'");
    const name = line.slice(0, colon);
    if (name.trim() !== name || name === '') fail(`user name '${name}' is empty or has surrounding blanks`);
    if (/[\x00-\x1f\x7f]/.test(name)) fail('user name has a control character');
    if (users.has(name)) fail(`user '${name}' is already defined on an earlier line`);
    let rest = line.slice(colon + 1);
    const admin = rest.endsWith(ADMIN_SUFFIX);
    if (admin) rest = rest.slice(0, -ADMIN_SUFFIX.length);
    const secret = parseSecret(rest);
    if (typeof secret === 'string') fail(`${secret} for user '${name}'`);
    users.set(name, { name, admin, secret: secret as PasswordSecret });
  }
  return users;
}

export class UserStore {
  private readonly shared: PasswordSecret | undefined;

  /**
   * @param users entries from a users file, checked first
   * @param sharedPassword accepted for any other user name, never as admin:
   *   one password handed to every dashboard should not also grant
   *   instance-wide settings; admins come from a users file.
   */
  constructor(
    private readonly users: ReadonlyMap<string, UserEntry>,
    sharedPassword?: string,
  ) {
    // One secret object for every name, so its SCRAM keys are derived once.
    this.shared = sharedPassword ? { kind: 'plain', password: sharedPassword } : undefined;
  }

  /** From Config.password and Config.usersFile; null when neither is set (trust). Throws ConfigError on a bad file. */
  static fromConfig(password: string, usersFile: string): UserStore | null {
    if (password === '' && usersFile === '') return null;
    let users = new Map<string, UserEntry>();
    if (usersFile !== '') {
      let text: string;
      try {
        text = readFileSync(usersFile, 'utf8');
      } catch (err) {
        throw new ConfigError(`cannot read users file ${usersFile}: ${(err as Error).message}`, { cause: err });
      }
      users = parseUsersFile(text, usersFile);
    }
    return new UserStore(users, password || undefined);
  }

  lookup(user: string): UserEntry | undefined {
    const entry = this.users.get(user);
    if (entry) return entry;
    return this.shared ? { name: user, admin: false, secret: this.shared } : undefined;
  }
}
