import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { StatementParser } from './statement-parser.js';

/**
 * User view statements (docs/views.md, "Custom views"), grammar as in
 * PostgreSQL 15's CreateMatViewStmt, DropStmt and RefreshMatViewStmt:
 *   CREATE MATERIALIZED VIEW [IF NOT EXISTS] name AS query [WITH [NO] DATA]
 *   DROP MATERIALIZED VIEW [IF EXISTS] name [, …] [CASCADE | RESTRICT]
 *   REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]
 * Anything else that starts with CREATE, DROP or REFRESH is not ours (null).
 */
export type ViewCommand =
  | { type: 'create_view'; name: string; ifNotExists: boolean; definition: string; withData: boolean }
  | { type: 'drop_view'; names: string[]; ifExists: boolean }
  | { type: 'refresh_view'; name: string; withData: boolean };

export function parseCreateView(p: StatementParser): ViewCommand | null {
  if (!p.peekWord('materialized')) return null;
  p.next();
  p.expectWord('view');
  const ifNotExists = p.optWord('if') !== null;
  if (ifNotExists) (p.expectWord('not'), p.expectWord('exists'));
  const name = viewName(p);
  if (p.optPunct('(')) throw notSupported('a column list in CREATE MATERIALIZED VIEW', 'Name the columns with AS in the query.');
  if (p.peekWord('using', 'with', 'tablespace')) throw notSupported(`${p.next()!.value.toUpperCase()} in CREATE MATERIALIZED VIEW`);
  p.expectWord('as');
  const { body, withData } = splitWithData(p.rest());
  return { type: 'create_view', name, ifNotExists, definition: body, withData };
}

export function parseDropView(p: StatementParser): ViewCommand | null {
  if (!p.peekWord('materialized')) return null;
  p.next();
  p.expectWord('view');
  const ifExists = p.optWord('if') !== null;
  if (ifExists) p.expectWord('exists');
  const names = [viewName(p)];
  while (p.optPunct(',')) names.push(viewName(p));
  if (p.optWord('cascade')) throw notSupported('DROP … CASCADE', 'Nothing depends on a materialized view in Sirius: drop it without CASCADE.');
  p.optWord('restrict');
  return { type: 'drop_view', names, ifExists };
}

export function parseRefreshView(p: StatementParser): ViewCommand | null {
  if (!p.peekWord('materialized')) return null;
  p.next();
  p.expectWord('view');
  p.optWord('concurrently');
  const name = viewName(p);
  let withData = true;
  if (p.optWord('with')) {
    withData = p.optWord('no') === null;
    p.expectWord('data');
  }
  return { type: 'refresh_view', name, withData };
}

/** `name` or `public.name`, lower-cased unless quoted (as PostgreSQL folds identifiers). */
function viewName(p: StatementParser): string {
  const parts = p.dottedName().split('.');
  if (parts.length > 2 || (parts.length === 2 && parts[0] !== 'public')) {
    throw new PgError(SqlState.InvalidSchemaName, `materialized views live in schema "public", not "${parts.slice(0, -1).join('.')}"`);
  }
  return parts[parts.length - 1];
}

function splitWithData(text: string): { body: string; withData: boolean } {
  const m = /\s+with\s+(no\s+)?data\s*;?\s*$/i.exec(text);
  const body = (m ? text.slice(0, m.index) : text).replace(/;\s*$/, '').trim();
  return { body, withData: !m?.[1] };
}

function notSupported(what: string, hint?: string): PgError {
  return new PgError(SqlState.FeatureNotSupported, `${what} is not supported`, hint ? { hint } : {});
}
