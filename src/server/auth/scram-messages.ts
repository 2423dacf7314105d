import { decodeBase64 } from './base64.js';
import { malformedScram, sanitizeChar, scramNotSupported, scramProtocolError } from './errors.js';
import { SCRAM_KEY_LEN } from './scram-keys.js';

/**
 * Parsers for the two SCRAM messages a client sends (RFC 5802 section 7),
 * with PostgreSQL's error wording (auth-scram.c read_client_first_message,
 * read_client_final_message). Messages are handled as latin1 strings: one
 * character per byte, so the bytes that go into the AuthMessage are exactly
 * the bytes the client signed, whatever their encoding.
 */

export interface ClientFirstMessage {
  /** 'n': client without channel binding; 'y': client with it, that thinks we lack it. */
  cbindFlag: 'n' | 'y';
  /** gs2-header, e.g. 'n,,'; the client repeats it base64-encoded in the final message. */
  gs2Header: string;
  /** client-first-message-bare: the part that enters the AuthMessage. */
  bare: string;
  /** Ignored for authentication (the startup packet's user counts), kept for logs. */
  username: string;
  nonce: string;
}

export interface ClientFinalMessage {
  nonce: string;
  proof: Buffer;
  withoutProof: string;
}

/** A read position in a message, with RFC 5802's attribute syntax `ALPHA "=" value`. */
class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  code(offset = 0): number | undefined {
    const i = this.pos + offset;
    return i < this.text.length ? this.text.charCodeAt(i) : undefined;
  }

  /** The value of attribute `attr`, which must come next. */
  attr(attr: string): string {
    if (this.text[this.pos] !== attr) {
      throw malformedScram(`Expected attribute "${attr}" but found "${sanitizeChar(this.code())}".`);
    }
    return this.valueAfterName(attr);
  }

  /** Whatever attribute comes next. */
  anyAttr(): [name: string, value: string] {
    const code = this.code();
    if (code === undefined) throw malformedScram('Attribute expected, but found end of string.');
    const name = String.fromCharCode(code);
    if (!/^[A-Za-z]$/.test(name)) {
      throw malformedScram(`Attribute expected, but found invalid character "${sanitizeChar(code)}".`);
    }
    return [name, this.valueAfterName(name)];
  }

  private valueAfterName(name: string): string {
    this.pos++;
    if (this.text[this.pos] !== '=') throw malformedScram(`Expected character "=" for attribute "${name}".`);
    this.pos++;
    const comma = this.text.indexOf(',', this.pos);
    const end = comma < 0 ? this.text.length : comma;
    const value = this.text.slice(this.pos, end);
    this.pos = comma < 0 ? end : end + 1;
    return value;
  }
}

/** RFC 5802 `printable`: ASCII 0x21-0x7E except ','. */
const isPrintable = (s: string): boolean => /^[\x21-\x2b\x2d-\x7e]*$/.test(s);

function readCbindFlag(c: Cursor): 'n' | 'y' {
  const flag = c.text[0];
  if (flag === 'p') {
    // We never advertise SCRAM-SHA-256-PLUS, so a client may not bind the channel.
    throw malformedScram(
      'The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.',
    );
  }
  if (flag !== 'n' && flag !== 'y') throw malformedScram(`Unexpected channel-binding flag "${sanitizeChar(c.code())}".`);
  c.pos++;
  if (c.text[c.pos] !== ',') throw malformedScram(`Comma expected, but found character "${sanitizeChar(c.code())}".`);
  c.pos++;
  return flag;
}

/** gs2-header client-first-message-bare, e.g. `n,,n=,r=fyko+d2lbbFgONRv9qkxdawL`. */
export function parseClientFirst(text: string): ClientFirstMessage {
  const c = new Cursor(text);
  const cbindFlag = readCbindFlag(c);
  if (c.text[c.pos] === 'a') throw scramNotSupported('client uses authorization identity, but it is not supported');
  if (c.text[c.pos] !== ',') {
    throw malformedScram(`Unexpected attribute "${sanitizeChar(c.code())}" in client-first-message.`);
  }
  c.pos++;
  const gs2Header = text.slice(0, c.pos);
  // RFC 5802 allows failing at once on a mandatory extension rather than in the server-final-message.
  if (c.text[c.pos] === 'm') throw scramNotSupported('client requires an unsupported SCRAM extension');
  const username = c.attr('n');
  const nonce = c.attr('r');
  if (!isPrintable(nonce)) throw scramProtocolError('non-printable characters in SCRAM nonce');
  // Optional extensions: none is supported, so they are read and ignored.
  while (!c.atEnd) c.anyAttr();
  return { cbindFlag, gs2Header, bare: text.slice(gs2Header.length), username, nonce };
}

/**
 * `c=<base64 gs2-header>,r=<nonce>[,extensions],p=<base64 proof>`. Without
 * channel binding, c= can only repeat the client-first gs2-header, which is
 * checked first, as PostgreSQL does.
 */
export function parseClientFinal(text: string, gs2Header: string): ClientFinalMessage {
  const c = new Cursor(text);
  const channelBinding = c.attr('c');
  if (channelBinding !== Buffer.from(gs2Header, 'latin1').toString('base64')) {
    throw scramProtocolError('unexpected SCRAM channel-binding attribute in client-final-message');
  }
  const nonce = c.attr('r');
  let proofAt: number;
  let name: string;
  let value: string;
  do {
    proofAt = c.pos;
    [name, value] = c.anyAttr();
  } while (name !== 'p');
  const proof = decodeBase64(value);
  if (proof?.length !== SCRAM_KEY_LEN) throw malformedScram('Malformed proof in client-final-message.');
  if (!c.atEnd) throw malformedScram('Garbage found at the end of client-final-message.');
  // Everything before the ',' that precedes "p=": the part the proof signs.
  return { nonce, proof, withoutProof: text.slice(0, proofAt - 1) };
}
