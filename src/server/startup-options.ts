import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

/**
 * The startup packet's `options`: command-line switches for the backend,
 * split at unescaped spaces (backslash escapes the next character), where
 * `-c name=value` and `--name=value` set run-time parameters.
 * https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNECT-OPTIONS
 */
export function parseStartupOptions(options: string): [string, string][] {
  const words = splitOptions(options);
  const out: [string, string][] = [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i];
    if (w === '-c') {
      w = words[++i] ?? '';
    } else if (w.startsWith('-c')) {
      w = w.slice(2);
    } else if (w.startsWith('--')) {
      w = w.slice(2);
    } else {
      throw PgError.fatal(SqlState.ProtocolViolation, `invalid command-line argument for server process: ${w}`, {
        hint: 'Only -c name=value and --name=value are supported in options.',
      });
    }
    const eq = w.indexOf('=');
    if (eq <= 0) {
      throw PgError.fatal(SqlState.SyntaxError, `parameter "${w}" requires a value`);
    }
    out.push([w.slice(0, eq).replace(/-/g, '_'), w.slice(eq + 1)]);
  }
  return out;
}

function splitOptions(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (c === ' ' || c === '\t') {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}
