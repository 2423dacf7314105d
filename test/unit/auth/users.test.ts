import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config.js';
import { ScramExchange } from '../../../src/server/auth/scram.js';
import { md5PasswordHash } from '../../../src/server/auth/md5.js';
import { passwordMethodFor } from '../../../src/server/auth/method.js';
import {
  UserStore,
  parseScramSecret,
  parseUsersFile,
  scramVerifier,
  type UserEntry,
} from '../../../src/server/auth/users.js';
import { pgErrorOf, pgLogin } from './pg-client-auth.js';

const dir = mkdtempSync(join(tmpdir(), 'sirius-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function usersFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('users file', () => {
  const bobVerifier = scramVerifier('bob-pw');
  const carolHash = md5PasswordHash('carol-pw', 'carol');
  const text = [
    '# Sirius users',
    '',
    '   # indented comment',
    'alice:s3cret',
    `bob:${bobVerifier}:admin`,
    `carol:${carolHash}`,
    'dan:pa:ss#not-a-comment',
    'erin: spaced password \r',
    'frank:pw:admin',
    '\t',
  ].join('\n');
  const users = parseUsersFile(text, 'users.txt');

  it('reads plain passwords, verifiers, MD5 hashes and the admin flag', () => {
    expect([...users.keys()]).toEqual(['alice', 'bob', 'carol', 'dan', 'erin', 'frank']);
    expect(users.get('alice')).toEqual({ name: 'alice', admin: false, secret: { kind: 'plain', password: 's3cret' } });
    expect(users.get('bob')).toMatchObject({ admin: true, secret: { kind: 'scram', iterations: 4096 } });
    expect(users.get('carol')).toEqual({ name: 'carol', admin: false, secret: { kind: 'md5', hash: carolHash } });
    expect(users.get('frank')).toMatchObject({ admin: true, secret: { kind: 'plain', password: 'pw' } });
  });

  it('keeps colons, hashes and surrounding spaces of a password, dropping only a CR', () => {
    expect(users.get('dan')?.secret).toEqual({ kind: 'plain', password: 'pa:ss#not-a-comment' });
    expect(users.get('erin')?.secret).toEqual({ kind: 'plain', password: ' spaced password ' });
  });

  it('gives each entry a secret a real client can log in with', async () => {
    await pgLogin(new ScramExchange('bob', users.get('bob')), 'bob-pw');
    await pgLogin(new ScramExchange('dan', users.get('dan')), 'pa:ss#not-a-comment');
  });

  const bad: [string, string][] = [
    ['just-a-name', "users.txt:2: expected 'name:password' or 'name:password:admin'"],
    [':pw', "users.txt:2: user name '' is empty or has surrounding blanks"],
    [' alice:pw', "users.txt:2: user name ' alice' is empty or has surrounding blanks"],
    ['ok:pw\nok:other', "users.txt:3: user 'ok' is already defined on an earlier line"],
    ['alice:', "users.txt:2: empty password (PostgreSQL does not allow one either) for user 'alice'"],
    ['alice::admin', "users.txt:2: empty password (PostgreSQL does not allow one either) for user 'alice'"],
    ['alice:SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA', "users.txt:2: malformed SCRAM verifier: StoredKey is not base64 of 32 bytes for user 'alice'"],
    ['alice:SCRAM-SHA-256$0:c2FsdA==$x:y', "users.txt:2: malformed SCRAM verifier: iteration count '0' is not a positive integer for user 'alice'"],
    ['alice:SCRAM-SHA-256$4096', "users.txt:2: malformed SCRAM verifier: expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> for user 'alice'"],
    [`alice:${carolHash.toUpperCase().replace('MD5', 'md5')}`, "users.txt:2: MD5 hash must be lowercase hex, as PostgreSQL writes it for user 'alice'"],
  ];
  it.each(bad)('rejects %j with its line number', (line, message) => {
    expect(() => parseUsersFile(`# header\n${line}\n`, 'users.txt')).toThrow(new ConfigError(message));
  });
});

describe('SCRAM verifier format', () => {
  it('round-trips through the parser with the fields PostgreSQL stores', () => {
    const salt = Buffer.from('0123456789abcdef');
    const verifier = scramVerifier('pw', 5000, salt);
    expect(verifier).toMatch(/^SCRAM-SHA-256\$5000:MDEyMzQ1Njc4OWFiY2RlZg==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(parseScramSecret(verifier)).toMatchObject({ iterations: 5000, salt });
  });

  it('uses a fresh salt each time unless one is given', () => {
    expect(scramVerifier('pw')).not.toBe(scramVerifier('pw'));
    expect(scramVerifier('pw', 4096, Buffer.from('s'))).toBe(scramVerifier('pw', 4096, Buffer.from('s')));
  });

  it('refuses to make a verifier for an empty password', () => {
    expect(() => scramVerifier('')).toThrow(RangeError);
  });
});

describe('UserStore.fromConfig', () => {
  it('is null (trust) when neither a password nor a users file is configured', () => {
    expect(UserStore.fromConfig('', '')).toBeNull();
  });

  it('with only a shared password, accepts any user name, never as admin', async () => {
    const store = UserStore.fromConfig('shared', '') as UserStore;
    expect(store.lookup('grafana')).toEqual({ name: 'grafana', admin: false, secret: { kind: 'plain', password: 'shared' } });
    await pgLogin(new ScramExchange('grafana', store.lookup('grafana')), 'shared');
    const err = await pgErrorOf(() => pgLogin(new ScramExchange('grafana', store.lookup('grafana')), 'nope'));
    expect(err.code).toBe('28P01');
  });

  it('derives the shared password keys once: every user name sees the same salt', () => {
    const store = UserStore.fromConfig('shared', '') as UserStore;
    const salt = (user: string): string =>
      /,s=([^,]+),/.exec(new ScramExchange(user, store.lookup(user)).clientFirst('SCRAM-SHA-256', Buffer.from('n,,n=,r=x')).toString())?.[1] ?? '';
    expect(salt('a')).toBe(salt('b'));
  });

  it('gives two file users with the same password different salts', () => {
    const store = UserStore.fromConfig('', usersFile('twins.txt', 'a:same\nb:same\n')) as UserStore;
    const salt = (user: string): string =>
      /,s=([^,]+),/.exec(new ScramExchange(user, store.lookup(user)).clientFirst('SCRAM-SHA-256', Buffer.from('n,,n=,r=x')).toString())?.[1] ?? '';
    expect(salt('a')).not.toBe(salt('b'));
  });

  it('with a users file only, knows exactly the users in it', () => {
    const store = UserStore.fromConfig('', usersFile('only.txt', 'root:pw:admin\n')) as UserStore;
    expect(store.lookup('root')?.admin).toBe(true);
    expect(store.lookup('nobody')).toBeUndefined();
  });

  it('with both, looks in the file first and falls back to the shared password', () => {
    const store = UserStore.fromConfig('shared', usersFile('both.txt', 'root:own:admin\n')) as UserStore;
    expect(store.lookup('root')).toMatchObject({ admin: true, secret: { password: 'own' } });
    expect(store.lookup('viewer')).toMatchObject({ admin: false, secret: { password: 'shared' } });
  });

  it('reports an unreadable users file with its path', () => {
    const missing = join(dir, 'missing.txt');
    expect(() => UserStore.fromConfig('', missing)).toThrow(ConfigError);
    expect(() => UserStore.fromConfig('', missing)).toThrow(`cannot read users file ${missing}`);
  });

  it('reports a bad line with the file path and line number', () => {
    const path = usersFile('bad.txt', 'ok:pw\n\nbroken\n');
    expect(() => UserStore.fromConfig('', path)).toThrow(`${path}:3: expected 'name:password'`);
  });
});

describe('passwordMethodFor', () => {
  const entry = (kind: 'plain' | 'scram' | 'md5'): UserEntry => {
    const secrets = {
      plain: { kind: 'plain', password: 'pw' },
      md5: { kind: 'md5', hash: md5PasswordHash('pw', 'u') },
      scram: { kind: 'scram', ...(parseScramSecret(scramVerifier('pw')) as object) },
    } as const;
    return { name: 'u', admin: false, secret: secrets[kind] as UserEntry['secret'] };
  };

  it('switches md5 to SCRAM for a SCRAM verifier, as PostgreSQL does', () => {
    expect(passwordMethodFor('md5', entry('scram'))).toBe('scram-sha-256');
    expect(passwordMethodFor('md5', entry('plain'))).toBe('md5');
    expect(passwordMethodFor('md5', entry('md5'))).toBe('md5');
    expect(passwordMethodFor('md5', undefined)).toBe('md5');
  });

  it('leaves the other methods alone', () => {
    expect(passwordMethodFor('scram-sha-256', entry('md5'))).toBe('scram-sha-256');
    expect(passwordMethodFor('password', entry('scram'))).toBe('password');
  });
});
