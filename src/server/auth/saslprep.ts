import {
  L_CAT,
  MAPPED_TO_NOTHING,
  NON_ASCII_SPACE,
  PROHIBITED,
  RAND_AL_CAT,
  UNASSIGNED,
  inRanges,
} from './saslprep-tables.js';

/**
 * SASLprep (RFC 4013) the way PostgreSQL applies it to SCRAM passwords
 * (src/common/saslprep.c): a password that SASLprep would reject is not an
 * error, it is used unprocessed. libpq does the same on the client side, so
 * both ends derive the same keys. (node-postgres only maps and normalizes; it
 * differs from both for passwords that SASLprep prohibits.)
 */

const isProhibited = (code: number): boolean => inRanges(code, PROHIBITED) || inRanges(code, UNASSIGNED);

const isRandAL = (code: number): boolean => inRanges(code, RAND_AL_CAT);

/** RFC 3454 section 6: a string with R/AL characters has no L ones and starts and ends with R/AL. */
function violatesBidi(codes: number[]): boolean {
  if (!codes.some(isRandAL)) return false;
  if (codes.some((c) => inRanges(c, L_CAT))) return true;
  return !isRandAL(codes[0]) || !isRandAL(codes[codes.length - 1]);
}

/** The prepared password, or null where SASLprep prohibits it (PostgreSQL then uses the raw password). */
export function saslprep(password: string): string | null {
  if (/^[\x00-\x7f]*$/.test(password)) return password;
  const mapped: number[] = [];
  for (const ch of password) {
    const code = ch.codePointAt(0) as number;
    if (inRanges(code, NON_ASCII_SPACE)) mapped.push(0x20);
    else if (!inRanges(code, MAPPED_TO_NOTHING)) mapped.push(code);
  }
  if (mapped.length === 0) return null;
  // PostgreSQL checks the mapped input rather than the normalized output; so do we, to agree with it.
  if (mapped.some(isProhibited) || violatesBidi(mapped)) return null;
  return String.fromCodePoint(...mapped).normalize('NFKC');
}

/** The string that SCRAM keys are derived from: SASLprep'd where possible, raw otherwise. */
export function scramPassword(password: string): string {
  return saslprep(password) ?? password;
}
