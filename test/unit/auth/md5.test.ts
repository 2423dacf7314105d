import { describe, expect, it } from 'vitest';
import { md5Challenge, md5PasswordHash, verifyCleartext, verifyMd5 } from '../../../src/server/auth/md5.js';
import { parseSecret, scramVerifier, type PasswordSecret, type UserEntry } from '../../../src/server/auth/users.js';
import { expectPasswordFailure, pgCrypto, pgErrorOf } from './pg-client-auth.js';

const user = (name: string, secret: PasswordSecret): UserEntry => ({ name, admin: false, secret });

function scramSecret(password: string): PasswordSecret {
  const secret = parseSecret(scramVerifier(password));
  if (typeof secret === 'string') throw new Error(secret);
  return secret;
}

const secrets: Record<string, PasswordSecret> = {
  plain: { kind: 'plain', password: 'pw' },
  md5: { kind: 'md5', hash: md5PasswordHash('pw', 'alice') },
};

describe('MD5 password authentication, answered by node-postgres', () => {
  it('sends 4 fresh random salt bytes', () => {
    expect(md5Challenge().length).toBe(4);
    expect(md5Challenge().equals(md5Challenge())).toBe(false);
  });

  it.each(Object.keys(secrets))('accepts the right password against a %s secret', async (kind) => {
    const salt = md5Challenge();
    const response = await pgCrypto.postgresMd5PasswordHash('alice', 'pw', salt);
    expect(() => verifyMd5(user('alice', secrets[kind]), 'alice', salt, response)).not.toThrow();
  });

  it.each(Object.keys(secrets))('rejects a wrong password against a %s secret', async (kind) => {
    const salt = md5Challenge();
    const response = await pgCrypto.postgresMd5PasswordHash('alice', 'wrong', salt);
    const err = await pgErrorOf(() => verifyMd5(user('alice', secrets[kind]), 'alice', salt, response));
    expectPasswordFailure(err, 'alice', 'Password does not match for user "alice".');
  });

  it('rejects a response computed for another salt (a replay)', async () => {
    const response = await pgCrypto.postgresMd5PasswordHash('alice', 'pw', md5Challenge());
    const err = await pgErrorOf(() => verifyMd5(user('alice', secrets.plain), 'alice', md5Challenge(), response));
    expect(err.code).toBe('28P01');
  });

  it('rejects an MD5 hash salted with another user name', async () => {
    const salt = md5Challenge();
    const response = await pgCrypto.postgresMd5PasswordHash('bob', 'pw', salt);
    const err = await pgErrorOf(() => verifyMd5(user('alice', secrets.plain), 'alice', salt, response));
    expect(err.code).toBe('28P01');
  });

  it('fails an unknown user with the same error', async () => {
    const salt = md5Challenge();
    const response = await pgCrypto.postgresMd5PasswordHash('ghost', 'pw', salt);
    const err = await pgErrorOf(() => verifyMd5(undefined, 'ghost', salt, response));
    expectPasswordFailure(err, 'ghost', 'Role "ghost" does not exist.');
  });

  it('cannot check an MD5 response against a SCRAM verifier, and says why in the log only', async () => {
    const salt = md5Challenge();
    const response = await pgCrypto.postgresMd5PasswordHash('alice', 'pw', salt);
    const err = await pgErrorOf(() => verifyMd5(user('alice', scramSecret('pw')), 'alice', salt, response));
    expectPasswordFailure(err, 'alice', 'User "alice" has a password that cannot be used with MD5 authentication.');
  });

  it('rejects an empty response as PostgreSQL does', async () => {
    const err = await pgErrorOf(() => verifyMd5(user('alice', secrets.plain), 'alice', md5Challenge(), ''));
    expect([err.code, err.severity, err.message]).toEqual(['28P01', 'FATAL', 'empty password returned by client']);
  });
});

describe('cleartext password authentication', () => {
  const all: Record<string, PasswordSecret> = { ...secrets, scram: scramSecret('pw') };

  it.each(Object.keys(all))('accepts the right password against a %s secret', (kind) => {
    expect(() => verifyCleartext(user('alice', all[kind]), 'alice', 'pw')).not.toThrow();
  });

  it.each(Object.keys(all))('rejects a wrong password against a %s secret', async (kind) => {
    const err = await pgErrorOf(() => verifyCleartext(user('alice', all[kind]), 'alice', 'pw '));
    expectPasswordFailure(err, 'alice', 'Password does not match for user "alice".');
  });

  it('compares plain passwords after SASLprep, as a SCRAM login would', () => {
    expect(() => verifyCleartext(user('u', { kind: 'plain', password: 'IX' }), 'u', '\u2168')).not.toThrow();
    expect(() => verifyCleartext(user('u', scramSecret('IX')), 'u', '\u2168')).not.toThrow();
  });

  it('fails an unknown user with the same error', async () => {
    const err = await pgErrorOf(() => verifyCleartext(undefined, 'ghost', 'pw'));
    expectPasswordFailure(err, 'ghost', 'Role "ghost" does not exist.');
  });

  it('rejects an empty password as PostgreSQL does', async () => {
    const err = await pgErrorOf(() => verifyCleartext(user('alice', secrets.plain), 'alice', ''));
    expect([err.code, err.severity, err.message]).toEqual(['28P01', 'FATAL', 'empty password returned by client']);
  });
});
