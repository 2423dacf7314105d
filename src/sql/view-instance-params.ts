import { Lexer } from './lexer.js';
import { forEachParameter } from './param-casts.js';
import { quoteIdentifier, viewInstanceTableName } from './view-instance-rewrite.js';
import { checkDistinctTableNames, type FoundViews, type ViewRef } from './views-in-query.js';

/**
 * `view_instance('log_entries', $1)`: the instance id is a bound parameter, known at Execute only.
 * At Parse the call becomes a placeholder identifier (`"view_instance:log_entries:$1"`, an empty
 * TEMP VIEW with the view's columns, enough to prepare and describe the statement); at Execute the
 * bound id replaces it, and the statement reads `"view_instance:log_entries:<id>"` as a literal
 * id would (same TEMP VIEW, same errors). docs/lakehouse.md, query path.
 */

/** The refs whose instance id is a bound parameter. */
export function instanceParamRefs(found: FoundViews): ViewRef[] {
  return found.refs.filter((r) => r.instanceParam !== undefined);
}

/**
 * Rule: renumber the parameters left once view_instance calls took theirs.
 *
 * Breaks: DuckDB numbers a statement's parameters densely and refuses a
 * `$2` without a `$1` ("parameter index 1 is out of range"):
 *
 *   SELECT * FROM "view_instance:log_entries:$1" WHERE level <= $2
 *   -->  SELECT * FROM "view_instance:log_entries:$1" WHERE level <= $1     clientOf = [2]
 *
 * `clientOf[k - 1]` is the client's number of DuckDB's `$k`, so Bind's values
 * can be passed through. Text in quotes (the placeholder identifiers
 * included), strings and comments is not touched.
 */
export function renumberParameters(sql: string): { sql: string; clientOf: number[] } {
  const used = new Set<number>();
  forEachParameter(sql, (_start, _end, n) => used.add(n));
  const clientOf = [...used].sort((a, b) => a - b);
  const duckOf = new Map(clientOf.map((n, i) => [n, i + 1]));
  let out = '';
  let last = 0;
  forEachParameter(sql, (start, end, n) => {
    out += `${sql.slice(last, start)}$${duckOf.get(n)}`;
    last = end;
  });
  return { sql: out + sql.slice(last), clientOf };
}

/** The highest `$n` of a statement (0 without parameters): how many values the client binds. */
export function highestParameter(sql: string): number {
  let max = 0;
  forEachParameter(sql, (_start, _end, n) => (max = Math.max(max, n)));
  return max;
}

/**
 * The statement's views once its view_instance parameters are bound: each
 * such ref gets the id and the TEMP VIEW name a literal id would have. The
 * parse tree is shared; its table nodes point at the new refs, so time ranges
 * are derived for them as for literals.
 */
export function withInstanceIds(found: FoundViews, idOf: (param: number) => string): { found: FoundViews; tableNames: Map<string, string> } {
  const tableNames = new Map<string, string>();
  const replaced = new Map<ViewRef, ViewRef>();
  const refs = found.refs.map((ref) => {
    if (!ref.instanceParam) return ref;
    const { instanceParam: _param, ...rest } = ref;
    const instanceId = idOf(ref.instanceParam.number);
    const bound: ViewRef = { ...rest, instanceId, tableName: viewInstanceTableName(ref.viewSet, instanceId) };
    tableNames.set(ref.tableName, bound.tableName);
    replaced.set(ref, bound);
    return bound;
  });
  checkDistinctTableNames(refs);
  const parsed = found.parsed && {
    statements: found.parsed.statements,
    refOf: new Map([...found.parsed.refOf].map(([node, ref]) => [node, replaced.get(ref) ?? ref])),
  };
  return { found: { refs, parsed, rewrittenSql: renameTables(found.rewrittenSql, tableNames) }, tableNames };
}

/** Replaces quoted identifiers by name (`"view_instance:log_entries:$1"` → the bound one); nothing else changes. */
export function renameTables(sql: string, names: ReadonlyMap<string, string>): string {
  if (names.size === 0) return sql;
  const lex = new Lexer(sql);
  let out = '';
  let last = 0;
  for (let t = lex.next(); t; t = lex.next()) {
    const name = t.type === 'ident' ? names.get(t.value) : undefined;
    if (name === undefined) continue;
    out += sql.slice(last, t.start) + quoteIdentifier(name);
    last = t.end;
  }
  return out + sql.slice(last);
}
