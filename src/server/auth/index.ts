/** Server-side password authentication: user store, SCRAM-SHA-256, MD5 and cleartext checks. No sockets. */
export { UserStore, parseUsersFile, parseSecret, parseScramSecret, formatScramSecret, scramVerifier } from './users.js';
export type { UserEntry, PasswordSecret } from './users.js';
export { ScramExchange, SASL_MECHANISMS, SCRAM_SHA_256, MAX_SASL_MESSAGE_LENGTH } from './scram.js';
export type { ScramExchangeOptions } from './scram.js';
export { md5Challenge, md5PasswordHash, verifyMd5, verifyCleartext, MD5_SALT_LEN } from './md5.js';
export { passwordMethodFor, type PasswordMethod } from './method.js';
export { authLogDetail } from './errors.js';
