import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5PasswordHash } from '../../../src/server/auth/md5.js';
import { ScramExchange } from '../../../src/server/auth/scram.js';
import { parseScramSecret, parseSecret, scramVerifier } from '../../../src/server/auth/users.js';
import { pgLogin } from './pg-client-auth.js';

/**
 * Differential checks against the real PostgreSQL 15 on 127.0.0.1:5432.
 * Its pg_hba trusts TCP logins, so logging in there would prove nothing;
 * instead we compare secrets: what PostgreSQL stores in pg_authid for a
 * password must be exactly what we compute from the same password and salt,
 * and a verifier we generate must be stored verbatim (PostgreSQL hashes
 * anything it does not parse as a SCRAM secret as if it were a password).
 */

let client: pg.Client;
const roles: string[] = [];
let roleCounter = 0;

beforeAll(async () => {
  client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
});

afterAll(async () => {
  try {
    for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`);
  } finally {
    await client.end();
  }
});

/** Creates a throwaway role with `password` and returns what PostgreSQL stored for it. */
async function storedSecret(password: string, encryption: 'scram-sha-256' | 'md5' = 'scram-sha-256'): Promise<[string, string]> {
  const role = `sirius_auth_test_${process.pid}_${roleCounter++}`;
  roles.push(role);
  await client.query(`SET password_encryption = '${encryption}'`);
  await client.query(`CREATE ROLE ${client.escapeIdentifier(role)} PASSWORD ${client.escapeLiteral(password)}`);
  const { rows } = await client.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
  return [role, rows[0].rolpassword];
}

describe('our SCRAM verifiers are PostgreSQL verifiers', () => {
  it('stores a verifier we generated verbatim', async () => {
    const ours = scramVerifier('sirius-pw', 4096);
    const [, stored] = await storedSecret(ours);
    expect(stored).toBe(ours);
  });

  it('stores a verifier with another iteration count verbatim too', async () => {
    const ours = scramVerifier('sirius-pw', 12_345);
    expect((await storedSecret(ours))[1]).toBe(ours);
  });

  it('agrees on what is not a verifier: a truncated key is hashed as a password there and refused here', async () => {
    const broken = scramVerifier('pw').replace(/:[^:]+$/, ':AAAA');
    const [, stored] = await storedSecret(broken);
    expect(stored).not.toBe(broken);
    expect(stored.startsWith('SCRAM-SHA-256$4096:')).toBe(true);
    expect(typeof parseScramSecret(broken)).toBe('string');
  });

  // Passwords that exercise SASLprep: mapping, NFKC, and PostgreSQL's fall-back to the raw password.
  const passwords: [string, string][] = [
    ['ASCII', 'plain-ascii-pw'],
    ['ASCII control character (ASCII skips SASLprep)', 'bell\u0007pw'],
    ['NFKC: roman numeral nine', '\u2168-nine'],
    ['NFKC: combining acute accent', 'cafe\u0301'],
    ['non-ASCII space mapped to space', 'no\u00a0break'],
    ['soft hyphen mapped to nothing', 'soft\u00adhyphen'],
    ['prohibited control character: raw password used', '\u2168\u0080'],
    ['bidi: R, L, R is prohibited (rule 2): raw password used', '\u05d0\u2168\u05d0'],
    ['bidi: R not last is prohibited (rule 3): raw password used', '\u05d0\uff11'],
    ['unassigned in Unicode 3.2 (an emoji): raw password used', '\u2168\u{1f600}'],
    ['bidi: all R is fine', '\u05d0\u05d1'],
    ['only mapped-to-nothing characters: raw password used', '\u00ad\u00ad'],
  ];
  it.each(passwords)('derives the same verifier as PostgreSQL for a password with %s', async (_, password) => {
    const [, stored] = await storedSecret(password);
    const parsed = parseScramSecret(stored);
    if (typeof parsed === 'string') throw new Error(`cannot parse PostgreSQL's verifier ${stored}: ${parsed}`);
    expect(scramVerifier(password, parsed.iterations, parsed.salt)).toBe(stored);
  });

  it('logs in node-postgres with a verifier PostgreSQL made', async () => {
    const [role, stored] = await storedSecret('made-by-postgres');
    const secret = parseSecret(stored);
    if (typeof secret === 'string') throw new Error(secret);
    await pgLogin(new ScramExchange(role, { name: role, admin: false, secret }), 'made-by-postgres');
  });
});

describe('our MD5 hashes are PostgreSQL MD5 hashes', () => {
  it('computes md5(password || user) as PostgreSQL stores it', async () => {
    const [role, stored] = await storedSecret('md5-pw', 'md5');
    expect(stored).toBe(md5PasswordHash('md5-pw', role));
    expect(parseSecret(stored)).toEqual({ kind: 'md5', hash: stored });
  });
});
