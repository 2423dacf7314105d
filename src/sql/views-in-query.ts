import { SqlState } from '../wire/sqlstate.js';
import { PgError } from '../wire/pg-error.js';
import {
  byteToCharIndex,
  errorPosition,
  isNode,
  nodeAt,
  nodesAt,
  stringAt,
  stringLiteral,
  type AstNode,
} from './duck-ast.js';
import type { DuckSqlParser } from './duck-parser.js';
import { Lexer } from './lexer.js';
import {
  applyReplacements,
  quoteIdentifier,
  viewInstanceCallEnd,
  viewInstanceTableName,
  type TextReplacement,
} from './view-instance-rewrite.js';

/** A view_instance id given as a bound parameter: `$n`, `$n::text` or `$n::uuid`. */
export interface InstanceParam {
  /** The parameter's number as the client wrote it. */
  number: number;
  /** What the parameter is when the client declares no type: text, or uuid when cast to it. */
  type: 'text' | 'uuid';
}

export interface ViewDef {
  /** The view's event-time column: `time`, `begin` for thread_spans, `insert_time` for catalog views. */
  timeColumn: string;
}

/** View sets by name (lower case, as DuckDB folds identifiers). */
export type ViewDefs = ReadonlyMap<string, ViewDef>;

/** One use of a view in a statement; two uses of the same view are two refs (each gets its own range). */
export interface ViewRef {
  viewSet: string;
  /** A process or stream id for view_instance(), 'global' for a view named as a table; `$n` until a bound parameter gives it. */
  instanceId: string;
  /** view_instance(set, $n): the id is the client's parameter n, known at Execute (see view-instance-params.ts). */
  instanceParam?: InstanceParam;
  alias?: string;
  /** The name DuckDB resolves once the statement is rewritten: the TEMP VIEW the server defines. */
  tableName: string;
  /** The reference as written: `log_entries`, `public.log_entries`, `view_instance('log_entries', 'p1')`. */
  written: string;
  /** Index of the reference in the statement text; -1 when the parser recorded none. */
  offset: number;
  timeColumn: string;
}

/** The parse tree and which of its table nodes are view refs; what deriveRanges reads. */
export interface ParsedStatement {
  statements: AstNode[];
  refOf: ReadonlyMap<AstNode, ViewRef>;
}

export interface FoundViews {
  refs: ViewRef[];
  rewrittenSql: string;
  /** Null when the statement names no view, or DuckDB cannot parse it (it then reports the error itself). */
  parsed: ParsedStatement | null;
}

/** Schemas under which a view name still means the view (DuckDB resolves main.x and temp.x to a TEMP VIEW x). */
const VIEW_SCHEMAS = new Set(['', 'main', 'public', 'temp']);
const VIEW_CATALOGS = new Set(['', 'temp']);

/**
 * Finds the views a statement uses — view names used as tables (not CTEs of
 * that name in scope, not columns, not text in strings or comments) and
 * view_instance() calls — and rewrites the calls to quoted identifiers.
 *
 * DuckDB's parser decides what is a table: statements that name no view at
 * all (catalog queries, SET, …) skip it. Scoping follows DuckDB, measured:
 * a CTE is visible in the main query, its subqueries and the CTEs after it,
 * not in its own body (unless recursive) nor in earlier CTEs; a qualified
 * name (main.log_entries) never means a CTE.
 */
export async function findViews(parser: DuckSqlParser, sql: string, views: ViewDefs): Promise<FoundViews> {
  const unchanged: FoundViews = { refs: [], rewrittenSql: sql, parsed: null };
  if (!mentionsView(sql, views)) return unchanged;
  let text = sql;
  let base = 0;
  let outcome = await parser.parse(sql);
  if (!outcome.ok && outcome.reason === 'not_select') {
    const body = explainedStatement(sql);
    if (body === null) throw viewsOutsideSelect(sql, views, outcome.message);
    ({ text, offset: base } = body);
    outcome = await parser.parse(text);
  }
  if (!outcome.ok) {
    if (outcome.reason === 'not_select') throw viewsOutsideSelect(sql, views, outcome.message);
    return unchanged;
  }
  const collector = new RefCollector(sql, text, base, views);
  walk(outcome.statements, new Set(), collector);
  checkDistinctTableNames(collector.refs);
  const replacements = collector.replacements.map((r) => ({ ...r, start: r.start + base, end: r.end + base }));
  return {
    refs: collector.refs,
    rewrittenSql: applyReplacements(sql, replacements),
    parsed: { statements: outcome.statements, refOf: collector.refOf },
  };
}

/** Whether any word or quoted identifier of the statement is a view name or view_instance. */
export function mentionsView(sql: string, views: ViewDefs): boolean {
  const lex = new Lexer(sql);
  for (let t = lex.next(); t; t = lex.next()) {
    if (t.type !== 'word' && t.type !== 'ident') continue;
    const name = t.value.toLowerCase();
    if (name === 'view_instance' || views.has(name)) return true;
  }
  return false;
}

function walk(v: unknown, ctes: ReadonlySet<string>, collector: RefCollector): void {
  if (Array.isArray(v)) {
    for (const item of v) walk(item, ctes, collector);
    return;
  }
  if (!isNode(v)) return;
  let scope = ctes;
  const entries = nodesAt(nodeAt(v, 'cte_map'), 'map');
  if (entries.length > 0) {
    const names = new Set(ctes);
    for (const entry of entries) {
      walk(entry.value, new Set(names), collector);
      names.add(stringAt(entry, 'key').toLowerCase());
    }
    scope = names;
  }
  if (v.type === 'RECURSIVE_CTE_NODE') scope = new Set([...scope, stringAt(v, 'cte_name').toLowerCase()]);
  if (v.type === 'BASE_TABLE') collector.table(v, scope);
  else if (v.type === 'TABLE_FUNCTION') collector.tableFunction(v);
  for (const key of Object.keys(v)) if (key !== 'cte_map') walk(v[key], scope, collector);
}

class RefCollector {
  readonly refs: ViewRef[] = [];
  readonly refOf = new Map<AstNode, ViewRef>();
  readonly replacements: TextReplacement[] = [];
  private readonly charIndex: (byte: number) => number;

  constructor(
    private readonly fullSql: string,
    private readonly text: string,
    private readonly base: number,
    private readonly views: ViewDefs,
  ) {
    this.charIndex = byteToCharIndex(text);
  }

  table(node: AstNode, ctes: ReadonlySet<string>): void {
    const name = stringAt(node, 'table_name');
    const viewSet = name.toLowerCase();
    const def = this.views.get(viewSet);
    if (!def) return;
    const schema = stringAt(node, 'schema_name').toLowerCase();
    const catalog = stringAt(node, 'catalog_name').toLowerCase();
    if (!schema && !catalog && ctes.has(viewSet)) return;
    if (!VIEW_SCHEMAS.has(schema) || !VIEW_CATALOGS.has(catalog)) return;
    const written = [stringAt(node, 'catalog_name'), stringAt(node, 'schema_name'), name].filter(Boolean).join('.');
    if (schema === 'public') this.unqualify(node);
    this.add(node, { viewSet, instanceId: 'global', tableName: viewSet, written, timeColumn: def.timeColumn });
  }

  /**
   * Rule: `public.log_entries` / `"public"."log_entries"` → `"log_entries"`. The views live in schema public for
   * PostgreSQL clients (pg_catalog lists them there); DuckDB has no such schema and finds the TEMP VIEW unqualified.
   */
  private unqualify(node: AstNode): void {
    const start = this.charIndex(Number(node.query_location));
    if (start < 0) throw new Error('the parser kept no location for a public.<view> reference');
    const lex = new Lexer(this.text.slice(start));
    let end = start;
    for (let t = lex.next(), parts = 0; t && (t.type === 'word' || t.type === 'ident') && parts < 3; t = lex.next(), parts++) {
      end = start + t.end;
      const dot = lex.peek();
      if (!dot || dot.type !== 'punct' || dot.value !== '.') break;
      lex.next();
    }
    this.replacements.push({ start, end, text: quoteIdentifier(stringAt(node, 'table_name').toLowerCase()) });
  }

  tableFunction(node: AstNode): void {
    const fn = nodeAt(node, 'function');
    if (stringAt(fn, 'function_name') !== 'view_instance' || stringAt(fn, 'schema') !== '') return;
    const start = this.charIndex(Number(node.query_location));
    if (start < 0) throw new Error('the parser kept no location for a view_instance call');
    const position = errorPosition(this.fullSql, this.base + start);
    const args = nodesAt(fn, 'children');
    if (args.length !== 2) {
      throw new PgError(SqlState.UndefinedFunction, `view_instance takes 2 arguments (view_set, instance_id), not ${args.length}`, { position });
    }
    const viewSet = stringLiteral(args[0]);
    if (viewSet === null && instanceParameter(args[0])) {
      throw new PgError(SqlState.InvalidParameterValue, "view_instance's view set cannot be a parameter: it decides the statement's columns, which are described before parameters are bound", {
        position,
        hint: 'Write the view set as a string literal; the instance id may be a parameter.',
      });
    }
    const literalId = stringLiteral(args[1]);
    const param = literalId === null ? instanceParameter(args[1]) : null;
    if (viewSet === null || (literalId === null && !param)) {
      throw new PgError(SqlState.InvalidParameterValue, 'view_instance arguments must be string literals', {
        position,
        hint: "The instance id may also be a bound parameter: view_instance('log_entries', $1).",
      });
    }
    const instanceId = param ? `$${param.number}` : (literalId as string);
    const def = this.views.get(viewSet);
    if (!def) {
      const known = [...this.views.keys()].join(', ');
      throw new PgError(SqlState.UndefinedTable, `view set "${viewSet}" does not exist`, { position, hint: `View sets: ${known}.` });
    }
    const end = viewInstanceCallEnd(this.text, start);
    const tableName = viewInstanceTableName(viewSet, instanceId);
    this.replacements.push({ start, end, text: quoteIdentifier(tableName) });
    const ref = { viewSet, instanceId, tableName, written: this.text.slice(start, end), timeColumn: def.timeColumn };
    this.add(node, param ? { ...ref, instanceParam: param } : ref);
  }

  private add(node: AstNode, ref: Omit<ViewRef, 'offset' | 'alias'>): void {
    const at = this.charIndex(Number(node.query_location));
    const full: ViewRef = { ...ref, offset: at < 0 ? -1 : this.base + at };
    const alias = stringAt(node, 'alias');
    if (alias) full.alias = alias;
    this.refs.push(full);
    this.refOf.set(node, full);
  }
}

/** `$n`, `$n::text`/`::varchar`, `CAST($n AS uuid)`: a view_instance argument bound at Execute; null for anything else. */
function instanceParameter(node: AstNode): InstanceParam | null {
  let type: InstanceParam['type'] = 'text';
  let param: AstNode | undefined = node;
  if (node.class === 'CAST' && node.try_cast !== true) {
    const to = stringAt(nodeAt(node, 'cast_type'), 'id');
    if (to !== 'VARCHAR' && to !== 'UUID') return null;
    type = to === 'UUID' ? 'uuid' : 'text';
    param = nodeAt(node, 'child');
  }
  if (param?.class !== 'PARAMETER') return null;
  const id = stringAt(param, 'identifier');
  return /^[1-9][0-9]*$/.test(id) ? { number: Number(id), type } : null;
}

/** DuckDB identifiers ignore case, so two instance ids that differ only in case would name one TEMP VIEW. */
export function checkDistinctTableNames(refs: readonly ViewRef[]): void {
  const seen = new Map<string, string>();
  for (const ref of refs) {
    const key = ref.tableName.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined && other !== ref.tableName) {
      throw new PgError(
        SqlState.InvalidParameterValue,
        `view instances "${other}" and "${ref.tableName}" differ only in letter case, which SQL identifiers do not distinguish`,
      );
    }
    seen.set(key, ref.tableName);
  }
}

/** `EXPLAIN [ANALYZE] [(options)] <statement>`: the statement and its index, or null for anything else. */
function explainedStatement(sql: string): { text: string; offset: number } | null {
  const lex = new Lexer(sql);
  const first = lex.next();
  if (!first || first.type !== 'word' || first.value !== 'explain') return null;
  let t = lex.next();
  if (t && t.type === 'word' && (t.value === 'analyze' || t.value === 'analyse')) t = lex.next();
  if (t && t.type === 'punct' && t.value === '(') {
    const inner = lex.peek();
    if (inner && inner.type === 'word' && !QUERY_START.has(inner.value)) {
      t = skipParenthesized(lex);
    }
  }
  return t ? { text: sql.slice(t.start), offset: t.start } : null;
}

const QUERY_START = new Set(['select', 'with', 'from', 'values', 'table', 'pivot', 'unpivot', 'describe', 'summarize', 'show']);

/** After an opening `(`: consumes through its `)` and returns the token after it. */
function skipParenthesized(lex: Lexer): ReturnType<Lexer['next']> {
  let depth = 1;
  for (let t = lex.next(); t; t = lex.next()) {
    if (t.type === 'punct' && t.value === '(') depth++;
    else if (t.type === 'punct' && t.value === ')' && --depth === 0) return lex.next();
  }
  return null;
}

function viewsOutsideSelect(sql: string, views: ViewDefs, duckdbMessage: string): PgError {
  const names = new Set<string>();
  const lex = new Lexer(sql);
  for (let t = lex.next(); t; t = lex.next()) {
    const name = t.type === 'word' || t.type === 'ident' ? t.value.toLowerCase() : '';
    if (name === 'view_instance' || views.has(name)) names.add(name);
  }
  return new PgError(
    SqlState.FeatureNotSupported,
    `telemetry views can only be read by SELECT, EXPLAIN, DESCRIBE, SHOW and SUMMARIZE statements, without PIVOT or UNPIVOT (this statement names ${[...names].join(', ')})`,
    { detail: `DuckDB cannot serialize the statement for analysis: ${duckdbMessage}` },
  );
}
