import type { DuckDBConnection } from '@duckdb/node-api';
import { pgColumnNames } from '../pgcatalog/column-names.js';
import { emptyRelationSql, quoteIdent, VIEW_SETS, type BlockViewSet, type EventRange } from '../views/index.js';
import { toPgError } from '../engine/errors.js';
import { astJson } from '../sql/duck-parser.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

/**
 * Compiles a user view definition (`CREATE MATERIALIZED VIEW name AS SELECT …
 * FROM <telemetry view> …`) into what the lakehouse needs to materialize it
 * per partition, like log_stats: a *partial* statement run over the rows of
 * one source slice, and a *final* statement run by queries over the partial
 * files, which combines the partial rows so that the view gives exactly the
 * answer of the definition run ad hoc over the whole source (docs/views.md,
 * "Custom views"). Aggregates must therefore be decomposable: count, sum, min,
 * max and avg (kept as sum and count), at the top of a select item.
 *
 * The statement is analysed with DuckDB's own parser (json_serialize_sql) and
 * the partial statement is written back with json_deserialize_sql, so every
 * expression keeps exactly DuckDB's meaning.
 */
export interface CompiledView {
  name: string;
  definition: string;
  /** The telemetry view it reads (a global block view). */
  source: BlockViewSet;
  /** Runs per source slice, over a relation named as the source view. */
  partialSql: string;
  /** The query-facing columns: the definition's own names and types. */
  columns: { name: string; type: string }[];
  /** SQL of the view over a relation of partial rows (a read_parquet() call, or a subquery). */
  finalSql(partials: string): string;
  /** SQL of the view when no partition has rows. */
  emptySql: string;
  /** The query-facing column that query time ranges apply to, when one maps onto the source's time; else null. */
  timeColumn: string | null;
  /** The source event range whose slices a query's range on `timeColumn` needs. */
  sourceRange(range: EventRange): EventRange;
  /** Changes whenever the definition or the source's schema does: old partitions are then retired. */
  schemaVersion: number;
}

type Json = Record<string, unknown>;

/** Views a definition may read: those with a global instance built from blocks. */
export const CUSTOM_VIEW_SOURCES = VIEW_SETS.filter((v): v is BlockViewSet => v.source === 'blocks' && v.global);

const AGGREGATES = new Set(['count_star', 'count', 'sum', 'min', 'max', 'avg', 'mean']);
const TRUNC_UNITS: Record<string, number> = { second: 1e6, minute: 60e6, hour: 3600e6, day: 86400e6 };

const COMBINABLE = 'this materialized view aggregates in a way that cannot be combined across partitions';
const COMBINABLE_HINT = 'Use count, sum, min, max or avg at the top of a select item, and GROUP BY ALL.';

const notSupported = (message: string, hint?: string): PgError => new PgError(SqlState.FeatureNotSupported, message, hint ? { hint } : {});

interface Item {
  node: Json;
  agg: string | null;
}

export async function compileCustomView(conn: DuckDBConnection, name: string, definition: string): Promise<CompiledView> {
  const parsed = await serialize(conn, definition);
  const node = parsed.statements[0].node as Json;
  const source = checkShape(node);
  const items = (node.select_list as Json[]).map((n): Item => ({ node: n, agg: aggregateOf(n) }));
  const aggregate = items.some((i) => i.agg !== null) || (node.group_expressions as Json[]).length > 0 || node.aggregate_handling === 'FORCE_AGGREGATES';
  const withSource = (sql: string): string => `WITH ${quoteIdent(source.name)} AS (${emptyRelationSql(source)}) ${sql}`;
  const columns = await describe(conn, withSource(definition));
  // named as PostgreSQL names them (count(*) → count), as the same statement's columns are over the wire
  pgColumnNames(definition, columns.length)?.forEach((n, i) => (columns[i].name = n));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new PgError(SqlState.DuplicateColumn, `column "${c.name}" specified more than once`, { hint: 'Give each select item its own name with AS.' });
    seen.add(c.name);
  }
  const cast = (expr: string, i: number): string => `CAST(${expr} AS ${columns[i].type}) AS ${quoteIdent(columns[i].name)}`;
  let partialSql: string;
  let finalSql: (partials: string) => string;
  if (aggregate) {
    if (items.some((i) => i.node.class === 'STAR')) throw notSupported('a materialized view that aggregates cannot select *');
    checkGroupBy(node, items);
    const keys = items.filter((i) => i.agg === null);
    const partial: Json[] = [];
    keys.forEach((k) => partial.push({ ...k.node, alias: `k${items.indexOf(k)}` }));
    items.forEach((it, i) => {
      if (it.agg === 'avg' || it.agg === 'mean') {
        partial.push({ ...it.node, function_name: 'sum', alias: `a${i}_sum` }, { ...it.node, function_name: 'count', alias: `a${i}_n` });
      } else if (it.agg !== null) partial.push({ ...it.node, alias: `a${i}` });
    });
    node.select_list = partial;
    node.group_expressions = [];
    node.group_sets = [];
    node.aggregate_handling = 'STANDARD_HANDLING';
    const groupBy = keys.length > 0 ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '';
    partialSql = (await deserialize(conn, parsed)) + groupBy;
    const finals = items.map((it, i) => cast(finalExpr(it.agg, i), i));
    const finalGroup = keys.length > 0 ? ` GROUP BY ${keys.map((k) => items.indexOf(k) + 1).join(', ')}` : '';
    finalSql = (partials) => `SELECT ${finals.join(', ')} FROM ${partials}${finalGroup}`;
  } else {
    partialSql = await deserialize(conn, parsed);
    finalSql = (partials) => `SELECT ${columns.map((c, i) => cast(quoteIdent(c.name), i)).join(', ')} FROM ${partials}`;
  }
  // the partial statement must bind: a key holding an aggregate, a window function or a non-decomposable
  // aggregate is refused here, with the definition's own error
  const partialColumns = await describe(conn, withSource(partialSql), (err) =>
    aggregate ? new PgError(SqlState.FeatureNotSupported, COMBINABLE, { hint: COMBINABLE_HINT, detail: err.message }) : err,
  );
  if (!aggregate) await refuseHiddenAggregates(conn, withSource(definition));
  const empty = `(SELECT ${partialColumns.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')} WHERE false)`;
  const time = timeMapping(items, columns, source);
  return {
    name,
    definition,
    source,
    partialSql,
    columns,
    finalSql,
    emptySql: finalSql(empty),
    timeColumn: time?.column ?? null,
    sourceRange: (r) => source.blockRange(time ? { begin: r.begin, end: r.end === undefined ? undefined : r.end + time.widen } : {}),
    schemaVersion: fnv1a(`${source.name}:${source.schemaVersion}:${definition}`),
  };
}

function finalExpr(agg: string | null, i: number): string {
  switch (agg) {
    case null:
      return `k${i}`;
    case 'count_star':
    case 'count':
      return `coalesce(sum(a${i}), 0)`;
    case 'sum':
      return `sum(a${i})`;
    case 'min':
    case 'max':
      return `${agg}(a${i})`;
    default:
      return `sum(a${i}_sum) / nullif(sum(a${i}_n), 0)`;
  }
}

/** One SELECT over one global telemetry view; nothing that cannot be computed partition by partition. */
function checkShape(node: Json): BlockViewSet {
  if (node.type !== 'SELECT_NODE') throw notSupported('a materialized view must be one SELECT (no UNION, INTERSECT, EXCEPT or VALUES)');
  if (((node.cte_map as Json).map as unknown[]).length > 0) throw notSupported('WITH is not supported in a materialized view definition');
  for (const m of node.modifiers as Json[]) {
    const what = String(m.type).replace('_MODIFIER', '').replace('_', ' ');
    throw notSupported(`${what} is not supported in a materialized view definition`, 'Order, limit or make distinct in the queries over the view.');
  }
  if (node.having) throw notSupported('HAVING is not supported in a materialized view definition', 'Filter the view in the queries over it.');
  if (node.qualify) throw notSupported('QUALIFY is not supported in a materialized view definition');
  if (node.sample) throw notSupported('USING SAMPLE is not supported in a materialized view definition');
  if ((node.group_sets as unknown[]).length > 1) throw notSupported('GROUPING SETS, ROLLUP and CUBE are not supported in a materialized view definition');
  const from = node.from_table as Json | null;
  const valid = CUSTOM_VIEW_SOURCES.map((v) => v.name).join(', ');
  if (!from || from.type !== 'BASE_TABLE') {
    throw notSupported('a materialized view must read exactly one telemetry view, with no join or subquery in FROM', `It can read: ${valid}.`);
  }
  const schema = String(from.schema_name).toLowerCase();
  const table = String(from.table_name).toLowerCase();
  const source = CUSTOM_VIEW_SOURCES.find((v) => v.name === table);
  if (!source || (schema !== '' && schema !== 'public') || from.catalog_name !== '') {
    throw new PgError(SqlState.UndefinedTable, `a materialized view can read only a global telemetry view, not "${table}"`, { hint: `It can read: ${valid}.` });
  }
  from.schema_name = '';
  from.table_name = source.name;
  const nested = findNested(node, from);
  if (nested) throw notSupported(`a materialized view definition cannot hold ${nested}`, 'It is computed partition by partition from one telemetry view.');
  return source;
}

function findNested(v: unknown, from: Json): string | null {
  if (Array.isArray(v)) {
    for (const x of v) {
      const found = findNested(x, from);
      if (found) return found;
    }
    return null;
  }
  if (v === null || typeof v !== 'object' || v === from) return null;
  const o = v as Json;
  if (o.class === 'SUBQUERY') return 'a subquery';
  if (o.class === 'WINDOW') return 'a window function';
  if (o.type === 'BASE_TABLE' || o.type === 'TABLE_FUNCTION' || o.type === 'JOIN') return 'another table';
  for (const x of Object.values(o)) {
    const found = findNested(x, from);
    if (found) return found;
  }
  return null;
}

function aggregateOf(n: Json): string | null {
  if (n.class !== 'FUNCTION' || n.schema !== '' || !AGGREGATES.has(String(n.function_name))) return null;
  const name = String(n.function_name);
  if (n.distinct) throw notSupported(`${name}(DISTINCT …) is not supported in a materialized view: it cannot be combined across partitions`);
  if (((n.order_bys as Json).orders as unknown[]).length > 0) throw notSupported(`${name}(… ORDER BY …) is not supported in a materialized view`);
  return name;
}

/** GROUP BY must name exactly the select items that are not aggregates (GROUP BY ALL does). */
function checkGroupBy(node: Json, items: Item[]): void {
  const groups = node.group_expressions as Json[];
  if (groups.length === 0) return;
  const keys = items.filter((i) => i.agg === null);
  const covered = new Set<number>();
  for (const g of groups) {
    const at = groupTarget(g, items);
    if (at < 0 || items[at].agg !== null) {
      throw notSupported('GROUP BY of a materialized view must list exactly its select items that are not aggregates', 'Use GROUP BY ALL.');
    }
    covered.add(at);
  }
  if (covered.size !== keys.length) throw notSupported('GROUP BY of a materialized view must list exactly its select items that are not aggregates', 'Use GROUP BY ALL.');
}

function groupTarget(g: Json, items: Item[]): number {
  const value = (g.value as Json | undefined)?.value;
  if (g.class === 'CONSTANT' && typeof value === 'number') return value - 1;
  const names = g.class === 'COLUMN_REF' ? (g.column_names as string[]) : null;
  if (names?.length === 1) {
    const byAlias = items.findIndex((i) => i.node.alias === names[0]);
    if (byAlias >= 0) return byAlias;
  }
  const shape = astJson(g);
  return items.findIndex((i) => astJson({ ...i.node, alias: '' }) === shape);
}

/** A definition without top-level aggregates that DuckDB still plans as one (an aggregate inside an expression). */
async function refuseHiddenAggregates(conn: DuckDBConnection, sql: string): Promise<void> {
  const rows = (await conn.runAndReadAll(`EXPLAIN ${sql}`)).getRows();
  const plan = rows.map((r) => String(r[1])).join('\n');
  if (/AGGREGATE|GROUP_BY|WINDOW|DISTINCT/.test(plan)) throw notSupported(COMBINABLE, COMBINABLE_HINT);
}

/** The select item that is the source's time (or date_trunc of it), as a query-facing timestamptz column. */
function timeMapping(items: Item[], columns: { name: string; type: string }[], source: BlockViewSet): { column: string; widen: number } | null {
  const isTime = (n: Json): boolean => n.class === 'COLUMN_REF' && (n.column_names as string[]).at(-1) === source.timeColumn;
  for (const [i, it] of items.entries()) {
    if (it.agg !== null || columns[i]?.type !== 'TIMESTAMP WITH TIME ZONE') continue;
    if (isTime(it.node)) return { column: columns[i].name, widen: 0 };
    const args = it.node.children as Json[] | undefined;
    if (it.node.class === 'FUNCTION' && it.node.function_name === 'date_trunc' && args?.length === 2 && isTime(args[1])) {
      const unit = (args[0].value as Json | undefined)?.value;
      if (typeof unit === 'string' && TRUNC_UNITS[unit.toLowerCase()] !== undefined) return { column: columns[i].name, widen: TRUNC_UNITS[unit.toLowerCase()] };
    }
  }
  return null;
}

async function serialize(conn: DuckDBConnection, sql: string): Promise<{ statements: Json[] } & Json> {
  const reader = await conn.runAndReadAll(`SELECT json_serialize_sql(${literal(sql)})`);
  const out = JSON.parse(String(reader.getRows()[0][0])) as { error: boolean; error_message?: string; statements: Json[] } & Json;
  if (out.error) throw new PgError(SqlState.SyntaxError, `in the view definition: ${out.error_message ?? 'syntax error'}`);
  if (out.statements.length !== 1) throw new PgError(SqlState.SyntaxError, 'a view definition is exactly one SELECT statement');
  return out;
}

async function deserialize(conn: DuckDBConnection, ast: Json): Promise<string> {
  return String((await conn.runAndReadAll(`SELECT json_deserialize_sql(${literal(astJson(ast))})`)).getRows()[0][0]);
}

/** `onError`: how a statement that does not bind is reported (default: DuckDB's error, mapped to its SQLSTATE). */
async function describe(conn: DuckDBConnection, sql: string, onError?: (err: PgError) => PgError): Promise<{ name: string; type: string }[]> {
  let stmt;
  try {
    stmt = await conn.prepare(sql);
  } catch (err) {
    const pgErr = toPgError(err);
    // positions would point into SQL the user did not write
    const plain = new PgError(pgErr.code, `in the view definition: ${pgErr.message}`, pgErr.hint ? { hint: pgErr.hint } : {});
    throw onError ? onError(plain) : plain;
  }
  try {
    return Array.from({ length: stmt.columnCount }, (_, i) => ({ name: stmt.columnName(i), type: stmt.columnType(i).toString() }));
  } finally {
    stmt.destroySync();
  }
}

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A positive 31-bit hash: schema versions are int4 in the catalog. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 1) + 1;
}
