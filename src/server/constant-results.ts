import type { DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';
import type { ChunkStream, EngineSession } from '../engine/engine.js';
import type { DuckSqlParser } from '../sql/duck-parser.js';
import { descendants, nodeAt, nodesAt, stringAt, type AstNode } from '../sql/duck-ast.js';

/**
 * Results of constant statements, kept with their prepared statement.
 *
 * A statement that reads no relation, takes no parameter and calls only
 * operators and DuckDB's built-in CONSISTENT functions (`SELECT 1`,
 * `SELECT 'a' || 'b'`, `SELECT 2 > 1 AS ok`) gives the same rows every time
 * as long as nothing changes the engine: its first execution keeps them, and
 * later executions of the same cached statement replay them without DuckDB.
 * The cached statement lives only while the engine generation it was
 * prepared in does (any change of data, schema or settings, in any session,
 * ends it: server/statement-cache.ts), and user-defined functions, which can
 * shadow a built-in's name, are looked up again after any function DDL.
 *
 * What this is for: pool pings and health checks (`SELECT 1` from pgbouncer,
 * HikariCP, Grafana's "Save & test") answer in microseconds on the event loop,
 * and never wait behind long queries for DuckDB's threads.
 * See docs/decisions.md, "Constant statements answered without DuckDB".
 */

/** Expression classes whose value follows from their children alone. */
const PURE_CLASSES = new Set(['CONSTANT', 'CAST', 'OPERATOR', 'COMPARISON', 'CONJUNCTION', 'CASE', 'BETWEEN', 'FUNCTION']);

/** A replayed result never exceeds one chunk (a constant SELECT has one row). */
export class ConstantResult {
  constructor(
    readonly types: DuckDBType[],
    readonly names: string[],
    private readonly chunk: DuckDBDataChunk | null,
  ) {}

  stream(): ChunkStream {
    let chunk = this.chunk;
    return {
      types: this.types,
      names: this.names,
      returnsRows: true,
      rowsChanged: 0,
      next: () => {
        const c = chunk;
        chunk = null;
        return Promise.resolve(c);
      },
    };
  }
}

/** How often statements were answered by a kept result (system views, tests). */
export const constantCounters = { replayed: 0, kept: 0 };

/**
 * Reads a constant statement's first result to its end and keeps it when it is one chunk or less;
 * returns the stream the caller sends from (the kept rows, or the result as it came when kept is false).
 */
export async function keepResult(stream: ChunkStream): Promise<{ kept: ConstantResult | null; stream: ChunkStream }> {
  if (!stream.returnsRows) return { kept: null, stream };
  const first = await stream.next();
  const second = first ? await stream.next() : null;
  if (second) {
    // more than a chunk: not a constant's result after all; hand back what was read, then the rest
    const read = [first, second];
    return {
      kept: null,
      stream: { ...stream, rowsChanged: 0, next: () => (read.length > 0 ? Promise.resolve(read.shift() ?? null) : stream.next()) },
    };
  }
  const kept = new ConstantResult(stream.types, stream.names, first);
  constantCounters.kept++;
  return { kept, stream: kept.stream() };
}

/** Whether the statement's text is a constant statement (see above). Parse outcomes are cached by the parser. */
export async function isConstantStatement(parser: DuckSqlParser, engine: EngineSession, sql: string): Promise<boolean> {
  // a cheap refusal first: every relation-reading statement names FROM (or is a DuckDB shorthand not starting with SELECT)
  if (!/^\s*select\b/i.test(sql) || /\bfrom\b/i.test(sql)) return false;
  const parsed = await parser.parse(sql);
  if (!parsed.ok || parsed.statements.length !== 1) return false;
  const calls = constantSelectCalls(parsed.statements[0]);
  if (calls === null) return false;
  if (calls.size === 0) return true;
  const pure = await pureFunctions(engine);
  return [...calls].every((name) => pure.has(name));
}

/**
 * The names of the (non-operator) functions a constant SELECT calls, or null when the statement is not a
 * constant SELECT: one SELECT with no FROM, WHERE, GROUP BY, HAVING, QUALIFY, sample, CTE or modifier,
 * whose select list holds only pure expression classes.
 */
export function constantSelectCalls(statement: AstNode): Set<string> | null {
  const node = nodeAt(statement, 'node');
  if (!node || node.type !== 'SELECT_NODE') return null;
  if (stringAt(nodeAt(node, 'from_table'), 'type') !== 'EMPTY') return null;
  if (node.where_clause || node.having || node.qualify || node.sample) return null;
  if (nodesAt(node, 'group_expressions').length > 0 || nodesAt(node, 'modifiers').length > 0) return null;
  if (nodesAt(nodeAt(node, 'cte_map'), 'map').length > 0) return null;
  const calls = new Set<string>();
  for (const item of descendants(node.select_list)) {
    if (typeof item.class !== 'string') continue;
    if (!PURE_CLASSES.has(item.class)) return null;
    if (item.class !== 'FUNCTION' || item.is_operator === true) continue;
    if (stringAt(item, 'catalog') !== '' || !['', 'main'].includes(stringAt(item, 'schema'))) return null;
    if (item.filter || nodesAt(nodeAt(item, 'order_bys'), 'orders').length > 0) return null;
    calls.add(stringAt(item, 'function_name').toLowerCase());
  }
  return calls;
}

/**
 * Names that, in this engine, only ever mean DuckDB built-in scalar or aggregate functions that are
 * CONSISTENT (same arguments, same result): no overload is volatile or per-query (random(), now()),
 * and no macro or function of ours or of a user has the name. About 20 ms to list, so it is kept
 * until a statement that defines or drops functions runs (functionsChanged()).
 */
const PURE_FUNCTIONS_SQL = `SELECT function_name FROM duckdb_functions() GROUP BY function_name
  HAVING bool_and(internal AND stability = 'CONSISTENT' AND function_type IN ('scalar', 'aggregate'))`;

const pureCache = new WeakMap<object, { version: number; names: Promise<Set<string>> }>();

async function pureFunctions(engine: EngineSession): Promise<Set<string>> {
  const key = engine.instanceKey;
  const cached = pureCache.get(key);
  if (cached && cached.version === engine.functionVersion) return cached.names;
  const names = listPure(engine);
  pureCache.set(key, { version: engine.functionVersion, names });
  names.catch(() => pureCache.delete(key));
  return names;
}

async function listPure(engine: EngineSession): Promise<Set<string>> {
  const stream = await engine.query(PURE_FUNCTIONS_SQL);
  const names = new Set<string>();
  for (let chunk = await stream.next(); chunk; chunk = await stream.next()) {
    for (const [name] of chunk.getRows()) names.add(String(name).toLowerCase());
  }
  return names;
}

/** Whether a statement (CREATE/DROP/ALTER …) may define, replace or drop a function or macro. */
export function mayDefineFunctions(sql: string): boolean {
  return /\b(macro|function)\b/i.test(sql);
}
