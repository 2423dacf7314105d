import { descendants, nodeAt, nodesAt, stringAt, type AstNode } from './duck-ast.js';
import type { DuckSqlParser } from './duck-parser.js';
import { prepare } from './time-eval.js';

/**
 * Counting logs by level, target or process over whole minutes is what
 * dashboards ask most, and log_stats already holds those counts (one row per
 * minute, process, level and target and partition: docs/views.md). A statement
 * that only counts log_entries rows by those columns, over a time range whose
 * bounds are whole minutes, is answered from log_stats instead: the same rows
 * are counted (both views are built from the same blocks, every log is in the
 * bin of its minute), from ~1000× fewer rows (docs/lakehouse.md, "Rollup").
 *
 *   SELECT level, target, count(*) FROM log_entries
 *   WHERE time >= '2026-01-01 12:00' AND time < '2026-01-01 13:00' GROUP BY level, target
 *   -->
 *   SELECT level, target, CAST(sum("count") AS BIGINT) AS "count_star()" FROM log_stats
 *   WHERE time_bin >= '2026-01-01 12:00' AND time_bin < '2026-01-01 13:00' GROUP BY level, target
 *
 * Breaks: anything else. Only `count(*)`, the key columns, `time >= c` and
 * `time < c` with constants that are whole minutes (no clock, no parameter),
 * and other conditions on the key columns alone; no join, CTE, subquery,
 * HAVING or window. The result (names included) is that of the statement.
 */
const KEYS = new Set(['level', 'target', 'process_id']);
const MINUTE_US = 60_000_000;
// coalesce: count(*) of no row is 0, sum of no row NULL
const COUNT_SQL = 'SELECT CAST(coalesce(sum("count"), 0) AS BIGINT)';

export async function rollupRewrite(parser: DuckSqlParser, sql: string, timeZone: string): Promise<string | null> {
  if (!/count/i.test(sql) || !/log_entries/i.test(sql)) return null;
  const parsed = await parser.parse(sql);
  if (!parsed.ok || parsed.statements.length !== 1) return null;
  const statement = structuredClone(parsed.statements[0]);
  const node = nodeAt(statement, 'node');
  if (!node || !eligibleShape(node)) return null;
  const from = nodeAt(node, 'from_table')!;
  const qualifiers = new Set(['log_entries', stringAt(from, 'alias')].filter((q) => q !== ''));
  const aliases = new Set(nodesAt(node, 'select_list').map((i) => stringAt(i, 'alias')).filter((a) => a !== ''));
  const isKey = (ref: AstNode): boolean => keyColumn(ref, qualifiers) !== null || (columnNames(ref).length === 1 && aliases.has(columnNames(ref)[0]));
  // outside WHERE: the key columns, count(*), positions and select-list aliases only
  for (const part of [node.select_list, node.group_expressions, node.modifiers]) {
    for (const n of descendants(part)) {
      if (n.class === 'COLUMN_REF' && !isKey(n)) return null;
      if (n.class === 'FUNCTION' && !isCountStar(n)) return null;
      if (n.class !== undefined && !['COLUMN_REF', 'FUNCTION', 'CONSTANT'].includes(n.class)) return null;
    }
  }
  const where = nodeAt(node, 'where_clause');
  if (where && !(await rewriteWhere(parser, where, qualifiers, timeZone))) return null;
  const counted = await countExpression(parser);
  if (!counted) return null;
  // the select list keeps its names (count(*) unnamed is DuckDB's "count_star()"); ORDER BY count(*) counts too
  node.select_list = nodesAt(node, 'select_list').map((item) =>
    isCountStar(item) ? { ...structuredClone(counted), alias: stringAt(item, 'alias') || 'count_star()' } : item,
  );
  node.modifiers = replaceCounts(node.modifiers, counted);
  from.table_name = 'log_stats';
  from.schema_name = '';
  return parser.toSql(statement);
}

function eligibleShape(node: AstNode): boolean {
  if (node.type !== 'SELECT_NODE' || nodesAt(nodeAt(node, 'cte_map'), 'map').length > 0) return false;
  if (node.having || node.qualify || node.sample || nodesAt(node, 'group_sets').length > 1) return false;
  const from = nodeAt(node, 'from_table');
  if (!from || from.type !== 'BASE_TABLE' || stringAt(from, 'table_name').toLowerCase() !== 'log_entries') return false;
  if (!['', 'public'].includes(stringAt(from, 'schema_name').toLowerCase()) || stringAt(from, 'catalog_name') !== '') return false;
  if (nodesAt(from, 'column_name_alias').length > 0 || from.sample) return false;
  const items = nodesAt(node, 'select_list');
  if (!items.some(isCountStar)) return false;
  const hasKeys = items.some((i) => !isCountStar(i));
  // grouped by exactly its key items (GROUP BY ALL, or the same columns / positions), or not grouped at all
  return hasKeys ? nodesAt(node, 'group_expressions').length > 0 || node.aggregate_handling === 'FORCE_AGGREGATES' : nodesAt(node, 'group_expressions').length === 0;
}

const isCountStar = (n: AstNode): boolean =>
  n.class === 'FUNCTION' && stringAt(n, 'function_name') === 'count_star' && n.distinct !== true && !n.filter && nodesAt(nodeAt(n, 'order_bys'), 'orders').length === 0;

function columnNames(ref: AstNode): string[] {
  return Array.isArray(ref.column_names) ? (ref.column_names as string[]) : [];
}

/** The column a reference names, when it is one of log_entries' (unqualified, or qualified by its name or alias). */
function column(ref: AstNode, qualifiers: Set<string>): string | null {
  const names = columnNames(ref);
  if (names.length === 1) return names[0].toLowerCase();
  if (names.length === 2 && qualifiers.has(names[0])) return names[1].toLowerCase();
  return null;
}

function keyColumn(ref: AstNode, qualifiers: Set<string>): string | null {
  const c = column(ref, qualifiers);
  return c !== null && KEYS.has(c) ? c : null;
}

/**
 * Each AND-ed condition is a whole-minute bound on time (`>=` a lower one, `<` an upper one; the
 * column renamed time_bin) or a condition on the key columns alone. False when another remains.
 */
async function rewriteWhere(parser: DuckSqlParser, where: AstNode, qualifiers: Set<string>, timeZone: string): Promise<boolean> {
  const conjuncts = where.class === 'CONJUNCTION' && where.type === 'CONJUNCTION_AND' ? nodesAt(where, 'children') : [where];
  for (const c of conjuncts) {
    const bound = timeBound(c, qualifiers);
    if (bound) {
      const prepared = prepare(parser, bound.value, { params: [], nowUs: 0 });
      if (!prepared || prepared.clock !== 0) return false;
      const [us] = await parser.evaluate([{ expr: prepared.node, kind: 'epoch_us' }], timeZone);
      if (us === null || us % MINUTE_US !== 0) return false;
      const names = columnNames(bound.column);
      names[names.length - 1] = 'time_bin';
      continue;
    }
    for (const n of descendants(c)) {
      if (n.class === 'COLUMN_REF' && keyColumn(n, qualifiers) === null) return false;
      if (n.class === 'SUBQUERY' || n.class === 'WINDOW' || n.class === 'PARAMETER') return false;
    }
  }
  return true;
}

/** `time >= value` / `time < value` (or mirrored): the column node and the value node. */
function timeBound(c: AstNode, qualifiers: Set<string>): { column: AstNode; value: AstNode } | null {
  if (c.class !== 'COMPARISON') return null;
  const left = nodeAt(c, 'left');
  const right = nodeAt(c, 'right');
  if (!left || !right) return null;
  const isTime = (n: AstNode): boolean => n.class === 'COLUMN_REF' && column(n, qualifiers) === 'time';
  if (isTime(left) && (c.type === 'COMPARE_GREATERTHANOREQUALTO' || c.type === 'COMPARE_LESSTHAN')) return { column: left, value: right };
  if (isTime(right) && (c.type === 'COMPARE_LESSTHANOREQUALTO' || c.type === 'COMPARE_GREATERTHAN')) return { column: right, value: left };
  return null;
}

function replaceCounts(v: unknown, counted: AstNode): unknown {
  if (Array.isArray(v)) return v.map((x) => replaceCounts(x, counted));
  if (typeof v !== 'object' || v === null) return v;
  const n = v as AstNode;
  if (isCountStar(n)) return { ...structuredClone(counted), alias: stringAt(n, 'alias') };
  return Object.fromEntries(Object.entries(n).map(([k, x]) => [k, replaceCounts(x, counted)]));
}

async function countExpression(parser: DuckSqlParser): Promise<AstNode | null> {
  const parsed = await parser.parse(COUNT_SQL);
  return parsed.ok ? (nodesAt(nodeAt(parsed.statements[0], 'node'), 'select_list')[0] ?? null) : null;
}
