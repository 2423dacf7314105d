import { DuckDBConnection, DuckDBInstance, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { SqlState } from '../wire/sqlstate.js';
import { PgError } from '../wire/pg-error.js';
import { isNode, nodeAt, nodesAt, type AstNode } from './duck-ast.js';

export type ParseOutcome =
  | { ok: true; statements: AstNode[] }
  /** not_select: DuckDB's serializer handles SELECT only (EXPLAIN, PIVOT statements, DML, DDL land here). */
  | { ok: false; reason: 'syntax' | 'not_select'; message: string };

/** epoch_us: the value as DuckDB casts it to TIMESTAMPTZ, in µs; double: the value cast to DOUBLE. */
export type EvalKind = 'epoch_us' | 'double';

export interface EvalRequest {
  expr: AstNode;
  kind: EvalKind;
}

export type CastTarget = 'TIMESTAMPTZ' | 'DATE' | 'TIMESTAMP' | 'DOUBLE';

/**
 * DuckDB's own parser and constant folding, used for planning: statements are
 * parsed with `json_serialize_sql()` (the parser that will run them, so every
 * DuckDB form is understood) and constant expressions are evaluated with
 * `query(json_deserialize_sql())` in a given TimeZone, so a timestamp literal
 * means exactly what it means to the query. Runs on its own connection(s);
 * calls are queued because a connection runs one query at a time and the
 * TimeZone is a connection setting.
 */
export class DuckSqlParser {
  private readonly parseQueue = new SerialQueue();
  private readonly evalQueue = new SerialQueue();
  private currentZone: string | null = null;
  /** Dashboards repeat the same time range panel after panel; a DuckDB round trip costs about a millisecond. */
  private readonly cache = new LruCache<string, number | null>(1024);
  private readonly parsed = new LruCache<string, ParseOutcome>(256);

  private constructor(
    private readonly owned: DuckDBInstance | null,
    private readonly parseConn: DuckDBConnection,
    private readonly evalConn: DuckDBConnection,
    private readonly serialize: DuckDBPreparedStatement,
    private readonly execute: DuckDBPreparedStatement,
    private readonly template: AstNode,
  ) {}

  /** Without `instance`, a private single-threaded in-memory database is created (and closed by close()). */
  static async create(opts: { instance?: DuckDBInstance } = {}): Promise<DuckSqlParser> {
    const owned = opts.instance ? null : await DuckDBInstance.create(':memory:', { threads: '1' });
    const instance = opts.instance ?? (owned as DuckDBInstance);
    const parseConn = await DuckDBConnection.create(instance);
    const evalConn = await DuckDBConnection.create(instance);
    const serialize = await parseConn.prepare('SELECT json_serialize_sql($1::VARCHAR)');
    // json_execute_serialized_sql() would run in a fresh context that ignores this connection's TimeZone.
    const execute = await evalConn.prepare('SELECT * FROM query(json_deserialize_sql($1::VARCHAR))');
    serialize.bindVarchar(1, TEMPLATE_SQL);
    const template = JSON.parse(String((await serialize.runAndReadAll()).getRows()[0][0])) as AstNode;
    return new DuckSqlParser(owned, parseConn, evalConn, serialize, execute, template);
  }

  /**
   * The statement's parse tree. Outcomes are cached by text (a prepared statement is parsed once
   * and executed many times), so the returned tree is shared: treat it as read-only.
   */
  parse(sql: string): Promise<ParseOutcome> {
    const cached = this.parsed.get(sql);
    if (cached) return Promise.resolve(cached);
    return this.parseQueue.run(async () => {
      this.serialize.bindVarchar(1, sql);
      const json = String((await this.serialize.runAndReadAll()).getRows()[0][0]);
      const out = JSON.parse(json) as AstNode;
      const message = String(out.error_message ?? 'unknown parser error');
      const outcome: ParseOutcome = out.error !== true
        ? { ok: true, statements: nodesAt(out, 'statements') }
        : { ok: false, reason: out.error_type === 'not implemented' ? 'not_select' : 'syntax', message };
      this.parsed.set(sql, outcome);
      return outcome;
    });
  }

  /**
   * Evaluates constant expressions with the session's TimeZone. A value that
   * DuckDB cannot compute (cast error, NULL, infinity) or that does not fit a
   * JavaScript safe integer (µs) is null. Callers pass only side-effect-free
   * nodes (see time-eval.ts).
   */
  evaluate(requests: readonly EvalRequest[], timeZone: string): Promise<(number | null)[]> {
    const items = requests.map((r) => this.wrap(r));
    const keys = items.map((item) => `${timeZone}\u0000${JSON.stringify(item, withoutLocations)}`);
    const missing = items.filter((_, i) => !this.cache.has(keys[i]));
    if (missing.length === 0) return Promise.resolve(keys.map((k) => this.cache.get(k) as number | null));
    return this.evalQueue.run(async () => {
      await this.useZone(timeZone);
      const values = await this.runSelect(missing).catch(async () => {
        // One bad expression fails the whole SELECT: fall back to one at a time.
        const out: (number | null)[] = [];
        for (const item of missing) out.push(await this.runSelect([item]).then((v) => v[0], () => null));
        return out;
      });
      const fresh = new Map(missing.map((item, i) => [item, values[i]]));
      return items.map((item, i) => {
        const value = fresh.has(item) ? (fresh.get(item) as number | null) : (this.cache.get(keys[i]) as number | null);
        this.cache.set(keys[i], value);
        return value;
      });
    });
  }

  /** The SQL text of a parsed statement (json_deserialize_sql), e.g. after its tree was rewritten. */
  toSql(statement: AstNode): Promise<string> {
    const json = astJson({ error: false, statements: [statement] });
    return this.parseQueue.run(async () => {
      const reader = await this.parseConn.runAndReadAll(`SELECT json_deserialize_sql('${json.replaceAll("'", "''")}')`);
      return String(reader.getRows()[0][0]);
    });
  }

  /** A VARCHAR constant node, as a string literal in a query would be. */
  stringConstant(value: string): AstNode {
    const node = structuredClone(this.selectItem(2));
    (nodeAt(node, 'value') as AstNode).value = value;
    return node;
  }

  cast(expr: AstNode, to: CastTarget): AstNode {
    const node = structuredClone(this.selectItem(3));
    node.child = expr;
    node.cast_type = structuredClone(nodeAt(this.selectItem(CAST_TYPE_SOURCE[to]), 'cast_type'));
    return node;
  }

  close(): void {
    this.serialize.destroySync();
    this.execute.destroySync();
    this.parseConn.closeSync();
    this.evalConn.closeSync();
    this.owned?.closeSync();
  }

  private async useZone(timeZone: string): Promise<void> {
    if (this.currentZone === timeZone) return;
    this.currentZone = null;
    try {
      await this.evalConn.run(`SET TimeZone = '${timeZone.replaceAll("'", "''")}'`);
    } catch (err) {
      throw new PgError(SqlState.InvalidParameterValue, `invalid TimeZone for time-range evaluation: "${timeZone}"`, { cause: err });
    }
    this.currentZone = timeZone;
  }

  private wrap(r: EvalRequest): AstNode {
    if (r.kind === 'double') return this.cast(r.expr, 'DOUBLE');
    const node = structuredClone(this.selectItem(0));
    (nodesAt(node, 'children')[0] as AstNode).child = r.expr;
    return node;
  }

  private async runSelect(items: AstNode[]): Promise<(number | null)[]> {
    const statement = structuredClone(this.template);
    const node = nodeAt(nodesAt(statement, 'statements')[0], 'node') as AstNode;
    node.select_list = items;
    const json = JSON.stringify(statement, withoutLocations);
    this.execute.bindVarchar(1, json);
    const row = (await this.execute.runAndReadAll()).getRows()[0] ?? [];
    return items.map((_, i) => toSafeNumber(row[i]));
  }

  private selectItem(i: number): AstNode {
    const node = nodeAt(nodesAt(this.template, 'statements')[0], 'node');
    const item = nodesAt(node, 'select_list')[i];
    if (!isNode(item)) throw new Error(`DuckSqlParser template has no select item ${i}`);
    return item;
  }
}

/** Select items 0..6: the wrappers and constants that evaluate() and the clock substitution clone. */
const TEMPLATE_SQL =
  "SELECT epoch_us(CAST(NULL AS TIMESTAMP WITH TIME ZONE)), CAST(NULL AS DOUBLE), 'x', " +
  "CAST('x' AS TIMESTAMP WITH TIME ZONE), CAST('x' AS DATE), CAST('x' AS TIMESTAMP), CAST('x' AS DOUBLE)";

const CAST_TYPE_SOURCE: Record<CastTarget, number> = { TIMESTAMPTZ: 3, DATE: 4, TIMESTAMP: 5, DOUBLE: 6 };

/** Locations are irrelevant to a value, and JSON.parse has rounded UINT64_MAX ones into invalid values. */
function withoutLocations(key: string, value: unknown): unknown {
  return key === 'query_location' ? 0 : value;
}

/**
 * A parse tree (or part of one) as JSON that json_deserialize_sql accepts, with every location
 * zeroed: also a canonical form, to compare two expressions whatever their place in the text.
 */
export function astJson(tree: unknown): string {
  return JSON.stringify(tree, withoutLocations);
}

function toSafeNumber(v: unknown): number | null {
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : null;
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Runs async tasks one after the other, in call order. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** A Map that forgets its least recently used entry beyond `capacity`. */
class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  has(key: K): boolean {
    return this.map.has(key);
  }

  get(key: K): V | undefined {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key) as V;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
}
