import { describe, expect, it } from 'vitest';
import { ScramExchange, SASL_MECHANISMS } from '../../../src/server/auth/scram.js';
import { parseSecret, scramVerifier, type UserEntry } from '../../../src/server/auth/users.js';
import { md5PasswordHash } from '../../../src/server/auth/md5.js';
import { authLogDetail } from '../../../src/server/auth/errors.js';
import { expectPasswordFailure, pgErrorOf, pgLogin, pgSasl, tlsStream } from './pg-client-auth.js';

const plain = (name: string, password: string): UserEntry => ({ name, admin: false, secret: { kind: 'plain', password } });

function withVerifier(name: string, verifier: string): UserEntry {
  const secret = parseSecret(verifier);
  if (typeof secret === 'string') throw new Error(secret);
  return { name, admin: true, secret };
}

/** Parses a server-first-message into its attributes (RFC 5802: r, s, i). */
function serverFirstFields(msg: Buffer): { r: string; s: string; i: string } {
  const m = /^r=([^,]+),s=([^,]+),i=(\d+)$/.exec(msg.toString('latin1'));
  if (!m) throw new Error(`not a server-first-message: ${msg.toString('latin1')}`);
  return { r: m[1], s: m[2], i: m[3] };
}

describe('SCRAM-SHA-256 with node-postgres as the client', () => {
  it('advertises SCRAM-SHA-256 only, never the channel-binding variant', () => {
    expect(SASL_MECHANISMS).toEqual(['SCRAM-SHA-256']);
  });

  it('accepts the right password for a plain secret, and the client accepts our signature', async () => {
    await pgLogin(new ScramExchange('alice', plain('alice', 'correct horse')), 'correct horse');
  });

  it('accepts the right password for a stored verifier, at the verifier iteration count', async () => {
    const exchange = new ScramExchange('bob', withVerifier('bob', scramVerifier('hunter2', 10_000)));
    const session = pgSasl.startSession(SASL_MECHANISMS);
    const first = exchange.clientFirst(session.mechanism, Buffer.from(session.response));
    expect(serverFirstFields(first).i).toBe('10000');
    await pgSasl.continueSession(session, 'hunter2', first.toString());
    pgSasl.finalizeSession(session, exchange.clientFinal(Buffer.from(session.response)).toString());
    expect(exchange.finished).toBe(true);
  });

  it('applies SASLprep like the client: U+2168 ROMAN NUMERAL NINE logs in as "IX"', async () => {
    await pgLogin(new ScramExchange('u', plain('u', 'IX')), '\u2168');
  });

  it('accepts the y,, header from a client that supports channel binding but sees no -PLUS offered', async () => {
    const session = await pgLogin(new ScramExchange('alice', plain('alice', 'pw')), 'pw', { stream: tlsStream });
    expect(session.response.startsWith('c=eSws,')).toBe(true);
  });

  it('rejects a wrong password with PostgreSQL exact error', async () => {
    const err = await pgErrorOf(() => pgLogin(new ScramExchange('alice', plain('alice', 'right')), 'wrong'));
    expectPasswordFailure(err, 'alice', 'Password does not match for user "alice".');
  });

  it('runs a full exchange for an unknown user and fails it exactly like a wrong password', async () => {
    const err = await pgErrorOf(() => pgLogin(new ScramExchange('mallory', undefined), 'anything'));
    expectPasswordFailure(err, 'mallory', 'Role "mallory" does not exist.');
  });

  it('shows an unknown user the same shape of challenge as a real one, with a stable salt', () => {
    const challenge = (user: string, entry?: UserEntry): { r: string; s: string; i: string } =>
      serverFirstFields(new ScramExchange(user, entry).clientFirst('SCRAM-SHA-256', Buffer.from('n,,n=,r=abc')));
    const real = challenge('alice', plain('alice', 'pw'));
    const ghost = challenge('ghost');
    expect(Buffer.from(ghost.s, 'base64').length).toBe(Buffer.from(real.s, 'base64').length);
    expect(ghost.i).toBe(real.i);
    expect(challenge('ghost').s).toBe(ghost.s);
    expect(challenge('other-ghost').s).not.toBe(ghost.s);
    const known = plain('carol', 'pw');
    expect(challenge('carol', known).s).toBe(challenge('carol', known).s);
  });

  it('fails a user whose only secret is an MD5 hash, as PostgreSQL cannot do SCRAM with one', async () => {
    const entry: UserEntry = { name: 'dave', admin: false, secret: { kind: 'md5', hash: md5PasswordHash('pw', 'dave') } };
    const err = await pgErrorOf(() => pgLogin(new ScramExchange('dave', entry), 'pw'));
    expectPasswordFailure(err, 'dave', 'User "dave" does not have a valid SCRAM secret.');
  });
});

describe('SCRAM channel binding and tampering', () => {
  it('rejects SCRAM-SHA-256-PLUS, which was never offered', async () => {
    const certStream = { getPeerCertificate: () => ({ raw: Buffer.alloc(0) }) };
    const session = pgSasl.startSession(['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'], certStream);
    expect(session.response.startsWith('p=tls-server-end-point,,')).toBe(true);
    const err = await pgErrorOf(() =>
      new ScramExchange('alice', plain('alice', 'pw')).clientFirst(session.mechanism, Buffer.from(session.response)),
    );
    expect([err.code, err.severity, err.message]).toEqual([
      '08P01',
      'FATAL',
      'client selected an invalid SASL authentication mechanism',
    ]);
  });

  it('rejects p=tls-server-end-point under plain SCRAM-SHA-256', async () => {
    const certStream = { getPeerCertificate: () => ({ raw: Buffer.alloc(0) }) };
    const session = pgSasl.startSession(['SCRAM-SHA-256-PLUS'], certStream);
    const err = await pgErrorOf(() =>
      new ScramExchange('alice', plain('alice', 'pw')).clientFirst('SCRAM-SHA-256', Buffer.from(session.response)),
    );
    expect([err.code, err.severity, err.message, err.detail]).toEqual([
      '08P01',
      'FATAL',
      'malformed SCRAM message',
      'The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.',
    ]);
  });

  /** Runs node-postgres up to its final message, lets `tamper` edit it, and returns what the server throws. */
  async function tamperedFinal(tamper: (final: string) => string, stream?: object): Promise<Error> {
    const exchange = new ScramExchange('alice', plain('alice', 'pw'));
    const session = pgSasl.startSession(SASL_MECHANISMS, stream);
    const first = exchange.clientFirst(session.mechanism, Buffer.from(session.response));
    await pgSasl.continueSession(session, 'pw', first.toString(), stream);
    const err = await pgErrorOf(() => exchange.clientFinal(Buffer.from(tamper(session.response))));
    expect(exchange.finished).toBe(false);
    expect(() => exchange.clientFinal(Buffer.from(session.response))).toThrow(/SCRAM exchange is in state failed/);
    return err;
  }

  it('rejects a final nonce that is not the client nonce followed by ours', async () => {
    const err = await tamperedFinal((f) => f.replace(/,r=([^,]*)/, (_, r: string) => `,r=${r.slice(0, -1)}${r.endsWith('X') ? 'Y' : 'X'}`));
    expect(err).toMatchObject({ code: '08P01', severity: 'FATAL', message: 'invalid SCRAM response', detail: 'Nonce does not match.' });
  });

  it('rejects a final nonce that drops the server part (replay of the client nonce)', async () => {
    const exchange = new ScramExchange('alice', plain('alice', 'pw'));
    const session = pgSasl.startSession(SASL_MECHANISMS);
    exchange.clientFirst(session.mechanism, Buffer.from(session.response));
    const proof = Buffer.alloc(32).toString('base64');
    const err = await pgErrorOf(() => exchange.clientFinal(Buffer.from(`c=biws,r=${session.clientNonce},p=${proof}`)));
    expect(err).toMatchObject({ code: '08P01', detail: 'Nonce does not match.' });
  });

  it('rejects channel-binding data that does not repeat the gs2 header (n,, sent, y,, claimed)', async () => {
    const err = await tamperedFinal((f) => f.replace('c=biws,', 'c=eSws,'));
    expect(err).toMatchObject({
      code: '08P01',
      severity: 'FATAL',
      message: 'unexpected SCRAM channel-binding attribute in client-final-message',
    });
  });

  it('rejects channel-binding data that does not repeat the gs2 header (y,, sent, n,, claimed)', async () => {
    const err = await tamperedFinal((f) => f.replace('c=eSws,', 'c=biws,'), tlsStream);
    expect(err).toMatchObject({ code: '08P01', message: 'unexpected SCRAM channel-binding attribute in client-final-message' });
  });

  it('rejects a proof with one bit flipped', async () => {
    const err = await tamperedFinal((f) =>
      f.replace(/p=(.*)$/, (_, p: string) => {
        const proof = Buffer.from(p, 'base64');
        proof[0] ^= 1;
        return 'p=' + proof.toString('base64');
      }),
    );
    expect(authLogDetail(err as never)).toBe('Password does not match for user "alice".');
    expect(err).toMatchObject({ code: '28P01', severity: 'FATAL' });
  });
});
