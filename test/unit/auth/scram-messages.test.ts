import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ScramExchange } from '../../../src/server/auth/scram.js';
import { parseSecret, scramVerifier, type UserEntry } from '../../../src/server/auth/users.js';
import { pgErrorOf } from './pg-client-auth.js';

const alice: UserEntry = { name: 'alice', admin: false, secret: { kind: 'plain', password: 'pw' } };

/**
 * A client written straight from RFC 5802 section 3, for messages that
 * node-postgres never sends (other user names, extensions): ClientProof =
 * ClientKey XOR HMAC(H(ClientKey), AuthMessage).
 */
function rfcProof(password: string, serverFirst: string, bare: string, withoutProof: string): string {
  const [, salt, iterations] = /,s=([^,]+),i=(\d+)$/.exec(serverFirst) as RegExpExecArray;
  const salted = pbkdf2Sync(password, Buffer.from(salt, 'base64'), Number(iterations), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const signature = createHmac('sha256', storedKey).update(`${bare},${serverFirst},${withoutProof}`).digest();
  return Buffer.from(clientKey.map((b, i) => b ^ signature[i])).toString('base64');
}

/** One exchange with a hand-built client-first-message-bare and extra client-final attributes. */
function handExchange(bare: string, finalExtras: string, password = 'pw'): Buffer {
  const exchange = new ScramExchange('alice', alice);
  const serverFirst = exchange.clientFirst('SCRAM-SHA-256', Buffer.from('n,,' + bare)).toString();
  const nonce = /^r=([^,]+)/.exec(serverFirst)?.[1];
  const withoutProof = `c=biws,r=${nonce}${finalExtras}`;
  const proof = rfcProof(password, serverFirst, bare, withoutProof);
  return exchange.clientFinal(Buffer.from(`${withoutProof},p=${proof}`));
}

describe('SCRAM-SHA-256 RFC 7677 section 3 test vector', () => {
  it('produces the published server-first and server-final messages', () => {
    const verifier = scramVerifier('pencil', 4096, Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
    const secret = parseSecret(verifier);
    if (typeof secret === 'string') throw new Error(secret);
    const exchange = new ScramExchange('user', { name: 'user', admin: false, secret }, {
      serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
    });
    const serverFirst = exchange.clientFirst('SCRAM-SHA-256', Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    expect(serverFirst.toString()).toBe(
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    );
    const serverFinal = exchange.clientFinal(
      Buffer.from(
        'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
      ),
    );
    expect(serverFinal.toString()).toBe('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    expect(exchange.finished).toBe(true);
  });
});

describe('SCRAM messages that real clients rarely send', () => {
  it('ignores the user name inside the SCRAM message: the startup user counts', () => {
    expect(handExchange('n=root,r=abc', '').toString()).toMatch(/^v=/);
  });

  it('ignores unknown extensions in both client messages, signing them as sent', () => {
    expect(handExchange('n=,r=abc,x=first-ext', ',y=final-ext').toString()).toMatch(/^v=/);
  });

  it('still checks the password on the hand-built path', async () => {
    const err = await pgErrorOf(() => handExchange('n=,r=abc', '', 'not-pw'));
    expect(err.code).toBe('28P01');
  });

  it('sends an empty challenge when the client gave no initial response, then reads it from the next message', () => {
    const exchange = new ScramExchange('alice', alice);
    expect(exchange.clientFirst('SCRAM-SHA-256', null).length).toBe(0);
    const serverFirst = exchange.respond(Buffer.from('n,,n=,r=abc')).toString();
    const nonce = /^r=([^,]+)/.exec(serverFirst)?.[1];
    const withoutProof = `c=biws,r=${nonce}`;
    const final = exchange.respond(Buffer.from(`${withoutProof},p=${rfcProof('pw', serverFirst, 'n=,r=abc', withoutProof)}`));
    expect(final.toString()).toMatch(/^v=/);
    expect(exchange.finished).toBe(true);
  });
});

describe('malformed client-first-message', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['', '08P01', 'malformed SCRAM message', 'The message is empty.'],
    ['n,,n=,r=abc\0', '08P01', 'malformed SCRAM message', 'Message length does not match input length.'],
    ['x,,n=,r=abc', '08P01', 'malformed SCRAM message', `Unexpected channel-binding flag "'x'".`],
    ['n;,n=,r=abc', '08P01', 'malformed SCRAM message', `Comma expected, but found character "';'".`],
    ['n,a=bob,n=,r=abc', '0A000', 'client uses authorization identity, but it is not supported', undefined],
    ['n,b,n=,r=abc', '08P01', 'malformed SCRAM message', `Unexpected attribute "'b'" in client-first-message.`],
    ['n,,m=ext,n=,r=abc', '0A000', 'client requires an unsupported SCRAM extension', undefined],
    ['n,,r=abc', '08P01', 'malformed SCRAM message', `Expected attribute "n" but found "'r'".`],
    ['n,,n=', '08P01', 'malformed SCRAM message', 'Expected attribute "r" but found "0x00".'],
    ['n,,n=,rabc', '08P01', 'malformed SCRAM message', 'Expected character "=" for attribute "r".'],
    ['n,,n=,r=a\u00e9c', '08P01', 'non-printable characters in SCRAM nonce', undefined],
    ['n,,n=,r=abc,1=x', '08P01', 'malformed SCRAM message', `Attribute expected, but found invalid character "'1'".`],
    ['n,,n=,r=abc,\u0001=x', '08P01', 'malformed SCRAM message', 'Attribute expected, but found invalid character "0x01".'],
    ['n,,n=,r=' + 'a'.repeat(1020), '08P01', 'malformed SCRAM message', 'The message is longer than 1024 bytes.'],
  ];
  it.each(cases)('%j → %s %s', async (message, code, text, detail) => {
    const exchange = new ScramExchange('alice', alice);
    const err = await pgErrorOf(() => exchange.clientFirst('SCRAM-SHA-256', Buffer.from(message, 'utf8')));
    expect({ code: err.code, severity: err.severity, message: err.message, detail: err.detail }).toEqual({
      code,
      severity: 'FATAL',
      message: text,
      detail,
    });
  });

  it('rejects a mechanism other than SCRAM-SHA-256 before reading the message', async () => {
    const err = await pgErrorOf(() => new ScramExchange('alice', alice).clientFirst('SCRAM-SHA-1', Buffer.from('n,,n=,r=a')));
    expect(err).toMatchObject({ code: '08P01', message: 'client selected an invalid SASL authentication mechanism' });
  });
});

describe('malformed client-final-message', () => {
  const proof = Buffer.alloc(32, 7).toString('base64');
  const cases: [string, string][] = [
    ['r=NONCE,p=' + proof, `Expected attribute "c" but found "'r'".`],
    ['c=biws,p=' + proof, `Expected attribute "r" but found "'p'".`],
    ['c=biws,r=NONCE', 'Attribute expected, but found end of string.'],
    ['c=biws,r=NONCE,p=not*base64', 'Malformed proof in client-final-message.'],
    ['c=biws,r=NONCE,p=' + Buffer.alloc(31).toString('base64'), 'Malformed proof in client-final-message.'],
    ['c=biws,r=NONCE,p=' + proof + ',x=1', 'Garbage found at the end of client-final-message.'],
  ];
  it.each(cases)('%j → %s', async (template, detail) => {
    const exchange = new ScramExchange('alice', alice);
    const serverFirst = exchange.clientFirst('SCRAM-SHA-256', Buffer.from('n,,n=,r=abc')).toString();
    const nonce = /^r=([^,]+)/.exec(serverFirst)?.[1] as string;
    const err = await pgErrorOf(() => exchange.clientFinal(Buffer.from(template.replace('NONCE', nonce))));
    expect({ code: err.code, severity: err.severity, message: err.message, detail: err.detail }).toEqual({
      code: '08P01',
      severity: 'FATAL',
      message: 'malformed SCRAM message',
      detail,
    });
  });

  it('refuses a final message before the first one', async () => {
    const err = await pgErrorOf(() => new ScramExchange('alice', alice).clientFinal(Buffer.from('c=biws')));
    expect(err).toMatchObject({ code: '08P01', severity: 'FATAL' });
  });
});
