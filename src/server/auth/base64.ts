/**
 * Strict base64 (RFC 4648 alphabet, padded), as SCRAM's grammar requires.
 * Node's decoder skips characters it does not know, which would let a
 * malformed proof or verifier pass for a shorter valid one.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}
