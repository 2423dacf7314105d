import { randomBytes, timingSafeEqual } from 'node:crypto';
import { PgError } from '../../wire/pg-error.js';
import { SqlState } from '../../wire/sqlstate.js';
import { malformedScram, passwordAuthFailed, scramProtocolError } from './errors.js';
import { parseClientFinal, parseClientFirst, type ClientFirstMessage } from './scram-messages.js';
import { hmacSha256, keysForPlainSecret, mockScramKeys, sha256, type ScramKeys } from './scram-keys.js';
import type { UserEntry } from './users.js';

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL runs it
 * (auth-scram.c, auth-sasl.c), without sockets: the wire server feeds it the
 * payloads of SASLInitialResponse and SASLResponse and sends back what it
 * returns. https://www.postgresql.org/docs/15/sasl-authentication.html
 *
 *   AuthenticationSASL(SASL_MECHANISMS)
 *   SASLInitialResponse  → clientFirst(mechanism, data) → AuthenticationSASLContinue
 *   SASLResponse         → respond(data)                → AuthenticationSASLFinal
 *                                                          when `finished`, else SASLContinue
 *
 * Every method throws a FATAL PgError on failure; the exchange is then dead.
 */

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

/**
 * Mechanisms to list in AuthenticationSASL. Never SCRAM-SHA-256-PLUS: channel
 * binding needs the TLS certificate hash, which this layer does not see.
 */
export const SASL_MECHANISMS: readonly string[] = [SCRAM_SHA_256];

/** PostgreSQL's cap on one SASL message (PG_MAX_SASL_MESSAGE_LENGTH); the wire layer should apply it before buffering. */
export const MAX_SASL_MESSAGE_LENGTH = 1024;

/** Raw bytes behind the server nonce (SCRAM_RAW_NONCE_LEN). */
const SERVER_NONCE_BYTES = 18;

export interface ScramExchangeOptions {
  /** Fixed server nonce, for replaying published test vectors; random otherwise. */
  serverNonce?: string;
}

type State = 'init' | 'awaiting-client-first' | 'salt-sent' | 'finished' | 'failed';

interface Verifier {
  keys: ScramKeys;
  /** Set when the exchange must fail whatever the client proves: the reason, for the server log. */
  doomedBecause?: string;
}

/**
 * Users that cannot succeed still get a full exchange with plausible keys, so
 * that neither the messages nor the work done reveal whether a user exists.
 */
function verifierFor(user: string, entry: UserEntry | undefined): Verifier {
  if (!entry) return { keys: mockScramKeys(user), doomedBecause: `Role "${user}" does not exist.` };
  const secret = entry.secret;
  if (secret.kind === 'scram') return { keys: secret };
  if (secret.kind === 'plain') return { keys: keysForPlainSecret(secret) };
  return { keys: mockScramKeys(user), doomedBecause: `User "${user}" does not have a valid SCRAM secret.` };
}

/** SASL payloads are NUL-free text; latin1 keeps every byte as one character for the AuthMessage. */
function payloadText(data: Buffer): string {
  if (data.length === 0) throw malformedScram('The message is empty.');
  if (data.length > MAX_SASL_MESSAGE_LENGTH) {
    throw malformedScram(`The message is longer than ${MAX_SASL_MESSAGE_LENGTH} bytes.`);
  }
  if (data.includes(0)) throw malformedScram('Message length does not match input length.');
  return data.toString('latin1');
}

/** ClientKey := ClientProof XOR HMAC(StoredKey, AuthMessage); the proof holds iff H(ClientKey) = StoredKey. */
function proofMatches(keys: ScramKeys, authMessage: string, proof: Buffer): boolean {
  const signature = hmacSha256(keys.storedKey, authMessage);
  const clientKey = Buffer.alloc(proof.length);
  for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i] ^ signature[i];
  return timingSafeEqual(sha256(clientKey), keys.storedKey);
}

export class ScramExchange {
  private state: State = 'init';
  private readonly verifier: Verifier;
  private clientFirstMessage?: ClientFirstMessage;
  private serverFirstMessage = '';
  private serverNonce = '';

  /**
   * @param user the user name from the startup packet; the one in the SCRAM
   *   message is ignored, as PostgreSQL does.
   * @param entry undefined for an unknown user: the exchange runs to its end
   *   and fails there like a wrong password.
   */
  constructor(
    private readonly user: string,
    entry: UserEntry | undefined,
    private readonly options: ScramExchangeOptions = {},
  ) {
    this.verifier = verifierFor(user, entry);
  }

  /** True once the client's proof was accepted: send AuthenticationSASLFinal, then AuthenticationOk. */
  get finished(): boolean {
    return this.state === 'finished';
  }

  /**
   * SASLInitialResponse: the selected mechanism and the client-first-message,
   * or null when the client sent none (length -1); the empty challenge returned
   * then asks for it, and the next SASLResponse carries it.
   * Returns the server-first-message.
   */
  clientFirst(mechanism: string, data: Buffer | null): Buffer {
    this.expectState('init');
    return this.guard(() => {
      if (mechanism !== SCRAM_SHA_256) {
        throw PgError.fatal(SqlState.ProtocolViolation, 'client selected an invalid SASL authentication mechanism');
      }
      if (data === null) {
        this.state = 'awaiting-client-first';
        return Buffer.alloc(0);
      }
      return this.readClientFirst(data);
    });
  }

  /** Any SASLResponse: the client-first-message if still owed, else the client-final-message. */
  respond(data: Buffer): Buffer {
    if (this.state === 'awaiting-client-first') return this.guard(() => this.readClientFirst(data));
    return this.clientFinal(data);
  }

  /** SASLResponse carrying the client-final-message. Returns the server-final-message (`v=…`). */
  clientFinal(data: Buffer): Buffer {
    this.expectState('salt-sent');
    return this.guard(() => this.readClientFinal(data));
  }

  private readClientFirst(data: Buffer): Buffer {
    this.clientFirstMessage = parseClientFirst(payloadText(data));
    this.serverNonce = this.options.serverNonce ?? randomBytes(SERVER_NONCE_BYTES).toString('base64');
    const { keys } = this.verifier;
    const nonce = this.clientFirstMessage.nonce + this.serverNonce;
    this.serverFirstMessage = `r=${nonce},s=${keys.salt.toString('base64')},i=${keys.iterations}`;
    this.state = 'salt-sent';
    return Buffer.from(this.serverFirstMessage, 'latin1');
  }

  private readClientFinal(data: Buffer): Buffer {
    const first = this.clientFirstMessage as ClientFirstMessage;
    const final = parseClientFinal(payloadText(data), first.gs2Header);
    if (final.nonce !== first.nonce + this.serverNonce) {
      throw scramProtocolError('invalid SCRAM response', 'Nonce does not match.');
    }
    const authMessage = `${first.bare},${this.serverFirstMessage},${final.withoutProof}`;
    const { keys, doomedBecause } = this.verifier;
    // The proof is checked even when doomed, so an unknown user costs the same time as a wrong password.
    const proven = proofMatches(keys, authMessage, final.proof);
    if (!proven || doomedBecause) {
      throw passwordAuthFailed(this.user, doomedBecause ?? `Password does not match for user "${this.user}".`);
    }
    this.state = 'finished';
    return Buffer.from('v=' + hmacSha256(keys.serverKey, authMessage).toString('base64'), 'latin1');
  }

  private expectState(expected: State): void {
    if (this.state === expected) return;
    const was = this.state;
    this.state = 'failed';
    throw PgError.protocol(`unexpected SASL message: SCRAM exchange is in state ${was}, expected ${expected}`);
  }

  /** Any failure ends the exchange: a client may not retry within it. */
  private guard<T>(step: () => T): T {
    try {
      return step();
    } catch (err) {
      this.state = 'failed';
      throw err;
    }
  }
}
