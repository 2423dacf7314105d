import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { ParamDef } from './settings-defs.js';

/** One item of a SET value list, as the parser saw it: quoting decides how list items are joined. */
export interface SetArg {
  kind: 'string' | 'ident' | 'number';
  value: string;
}

/** flatten_set_variable_args: one value, or for list parameters the items joined with ", ". */
export function flattenSetArgs(def: ParamDef | undefined, typedName: string, args: SetArg[]): string {
  if (args.length > 1 && !def?.list) {
    throw new PgError(SqlState.InvalidParameterValue, `SET ${typedName.toLowerCase()} takes only one argument`);
  }
  return args.map((a) => (def?.list === 'quote' && a.kind !== 'number' ? quoteIdent(a.value) : a.value)).join(', ');
}

const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc ' +
    'distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral ' +
    'leading limit localtime localtimestamp not null offset on only or order placing primary references returning ' +
    'select session_user some symmetric table then to trailing true union unique user using variadic when where window with').split(' '),
);

/** quote_identifier: quotes unless the name is lower-case, simple and not a reserved word. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}
