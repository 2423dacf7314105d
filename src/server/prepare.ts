import { VARCHAR, type DuckDBPreparedStatement, type DuckDBType } from '@duckdb/node-api';
import { duckTypeNameForOid } from '../pgtypes/params.js';
import { pgTypeOf } from '../pgtypes/mapping.js';
import { classify, commandTag, returnsRows, writesData, type StatementKind } from '../sql/classify.js';
import { castParameters, explicitlyCastParameters } from '../sql/param-casts.js';
import { numericCastParameters, withNumericScales } from '../sql/numeric-param-casts.js';
import { Oid } from '../pgtypes/oids.js';
import { pgColumnNames } from '../pgcatalog/column-names.js';
import { rewritePgSql } from '../pgcatalog/rewrite.js';
import { parseSessionStatement, type SessionCommand } from '../sql/session-hooks.js';
import { splitStatements } from '../sql/split.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { Session } from './session.js';
import { StatementCache } from './statement-cache.js';
import { BoundStatementSlot } from './bound-statement.js';
import { prepareViews, resetViews } from './views.js';
import { defineAdminTables, findAdminCalls, type AdminCalls } from './admin-calls.js';
import type { FoundViews } from '../sql/views-in-query.js';
import { allowedInFailedTransaction, commandColumns } from './session-commands.js';
import { highestParameter, instanceParamRefs, renumberParameters } from '../sql/view-instance-params.js';
import { clientParamOids, paramLayout, type ParamLayout } from './instance-params.js';
import { isConstantStatement, type ConstantResult } from './constant-results.js';
import type { FieldDescription } from '../wire/backend.js';
import type { RowWriter } from '../pgtypes/encode.js';

/**
 * The query handler's view of a statement, between Parse and Execute: its
 * parameter types, its result columns, and what will run it — DuckDB, a
 * session command answered by Sirius itself, or nothing (empty query).
 * Values only; bytes are the connection's business.
 */
export interface ColumnInfo {
  name: string;
  type: DuckDBType;
  /** The type follows the scale of a bound `$n::numeric` (server/numeric-params.ts): RowDescription says typmod -1. */
  varies?: boolean;
}

export type Target =
  | { kind: 'empty' }
  | { kind: 'command'; command: SessionCommand }
  /**
   * `sql`: the text DuckDB prepared (view_instance calls rewritten, parameter casts added); a view_instance
   * parameter is a placeholder TEMP VIEW there, renamed at each Execute (server/instance-params.ts).
   */
  | { kind: 'duck'; stmt: DuckDBPreparedStatement; sql: string };

export class PreparedQuery {
  /** Statements replaced by renew() while a portal might still read their results. */
  private readonly retired: DuckDBPreparedStatement[] = [];
  /** Set when the statement came from (and goes back to) the session's statement cache. */
  recycle: (() => void) | null = null;
  /** The owner (statement slot or simple query) plus every portal bound from it. */
  private refs = 1;
  /** Engine generation when prepared (see Engine.generation). */
  generation = 0;
  /** The telemetry views the statement reads, bound to partitions at each Execute. */
  views: FoundViews | null = null;
  /** The statement prepared over the views' files at the last Execute, reused while they stay the same. */
  readonly bound = new BoundStatementSlot();
  /** The administration function calls (list_partitions() …), run at each Execute before the statement. */
  admin: AdminCalls | null = null;
  /** Preparing it changed the session (set_config()): prepared again each time, never taken from the cache. */
  uncacheable = false;
  /** The client's parameter (0-based) bound to each DuckDB parameter; null: the same numbering (no view_instance parameter). */
  bindOrder: number[] | null = null;
  /** Parameters (DuckDB's numbering) cast to unconstrained numeric: each Execute prepares the text with their values' scales. */
  numericParams: ReadonlySet<number> = new Set();
  /** RowDescription fields and row writers by time zone and result formats, shared by the portals bound from it. */
  readonly resultShapes = new Map<string, { fields: FieldDescription[]; writeRows: RowWriter }>();
  /** Reads no relation and calls only pure functions (server/constant-results.ts): its rows can be kept. */
  constant = false;
  /** The rows of a constant statement, kept at its first execution in the generation it was prepared in. */
  kept: ConstantResult | null = null;

  constructor(
    readonly sql: string,
    readonly statementKind: StatementKind,
    readonly paramOids: number[],
    /** Null: the statement returns no rows (NoData). */
    readonly columns: ColumnInfo[] | null,
    readonly target: Target,
  ) {}

  /** Taken from the cache by a new owner. */
  lease(recycle: () => void): this {
    this.refs = 1;
    this.recycle = recycle;
    return this;
  }

  /** A portal keeps its statement alive even after the statement is closed or replaced. */
  retain(): void {
    this.refs++;
  }

  /** Done with it: when nobody holds it any more, back to the cache, or freed. */
  close(): void {
    if (--this.refs > 0) return;
    if (this.recycle) this.recycle();
    else this.destroy();
  }

  /**
   * The statement prepared again after a change (a later engine generation) replaces the old one. A portal
   * may still be reading a result of the old one: that one is freed with the query.
   */
  renew(stmt: DuckDBPreparedStatement, generation: number): void {
    if (this.target.kind !== 'duck') throw new Error('only a DuckDB statement can be prepared again');
    // the owner and the portal being started: nobody else can be running the old statement
    if (this.refs <= 2) this.target.stmt.destroySync();
    else this.retired.push(this.target.stmt);
    this.target.stmt = stmt;
    this.generation = generation;
    // names it calls may mean other functions now: not replayed before it is analysed again
    this.constant = false;
    this.kept = null;
  }

  destroy(): void {
    this.kept = null;
    for (const stmt of this.retired.splice(0)) stmt.destroySync();
    this.bound.close();
    if (this.target.kind === 'duck') this.target.stmt.destroySync();
  }
}

const INVALID_TYPE_ID = 0;

export async function prepareQuery(session: Session, sql: string, declared: number[] = []): Promise<PreparedQuery> {
  const key = StatementCache.key(sql, declared);
  const cached = session.statementCache.take(key, session.engine.generation);
  if (cached) {
    checkNotFailed(session, null);
    return cached.lease(() => session.statementCache.give(key, cached));
  }
  const generation = session.engine.generation;
  const query = await prepareUncached(session, sql, declared);
  query.generation = generation;
  // statements over views are cached too: each Execute binds their files (and prepares again only if those changed)
  return query.target.kind === 'duck' && !query.uncacheable ? query.lease(() => session.statementCache.give(key, query)) : query;
}

async function prepareUncached(session: Session, sql: string, declared: number[]): Promise<PreparedQuery> {
  const parts = splitStatements(sql);
  if (parts.length === 0) return new PreparedQuery(sql, classify(''), [], null, { kind: 'empty' });
  if (parts.length > 1) throw new PgError(SqlState.SyntaxError, 'cannot insert multiple commands into a prepared statement');
  const kind = classify(sql);
  const command = parseSessionStatement(sql);
  checkNotFailed(session, command);
  if (command) {
    return new PreparedQuery(sql, kind, declared.slice(), commandColumns(command, session), { kind: 'command', command });
  }
  let setConfig = false;
  const pgSql = rewritePgSql(sql, (call) => {
    setConfig = true;
    return session.settings.setConfig(call.name, call.value, call.isLocal);
  }, session.views?.defs ?? null).sql;
  if (setConfig) await session.syncCatalogSettings();
  const admin = session.views ? findAdminCalls(pgSql, session.views.lakehouse.admin()) : null;
  if (admin) await defineAdminTables(session, admin);
  const afterAdmin = admin ? admin.rewrittenSql : pgSql;
  const views = session.views ? await prepareViews(session.views, session, afterAdmin) : null;
  let duckSql = views ? views.rewrittenSql : afterAdmin;
  let layout: ParamLayout | null = null;
  if (views && instanceParamRefs(views).length > 0) {
    // view_instance(…, $n) lost its parameter to the rewrite: DuckDB numbers what is left from $1
    const renumbered = renumberParameters(duckSql);
    duckSql = renumbered.sql;
    layout = paramLayout(views, renumbered.clientOf, highestParameter(afterAdmin), declared);
  }
  let query: PreparedQuery;
  try {
    query = await prepareDuck(session, sql, duckSql, kind, declared, layout);
  } catch (err) {
    if (!views || !session.views) throw err;
    await resetViews(session.views, session, views);
    query = await prepareDuck(session, sql, duckSql, kind, declared, layout);
  }
  query.views = views;
  query.admin = admin;
  query.uncacheable = setConfig;
  if (session.views && !views && !admin && query.columns && query.paramOids.length === 0) {
    query.constant = await isConstantStatement(session.views.parser, session.engine, duckSql);
  }
  return query;
}

async function prepareDuck(
  session: Session,
  sql: string,
  preparedSql: string,
  kind: StatementKind,
  clientDeclared: number[],
  layout: ParamLayout | null = null,
): Promise<PreparedQuery> {
  const declared = layout ? layout.clientOf.map((n) => clientDeclared[n - 1] ?? 0) : clientDeclared;
  let duckSql = preparedSql;
  let stmt = await session.engine.prepare(duckSql);
  // DuckDB leaves `$3::bytea` untyped when an earlier parameter is: those get their own cast's type once the others are cast
  const ownCasts = explicitlyCastParameters(duckSql);
  for (const skip of [ownCasts, new Set<number>()]) {
    const casts = unresolvedParameterCasts(stmt, declared, skip);
    if (casts.size === 0) continue;
    stmt.destroySync();
    duckSql = castParameters(duckSql, casts);
    stmt = await session.engine.prepare(duckSql);
  }
  try {
    const duckOids = parameterOids(stmt, declared);
    const paramOids = layout ? clientParamOids(layout, duckOids, clientDeclared) : duckOids;
    const columns = resultColumns(stmt);
    const names = pgColumnNames(sql, columns.length);
    if (names) names.forEach((name, i) => (columns[i].name = name));
    // DuckDB answers DML and DDL with a one-row "Count" result; PostgreSQL sends no rows for them
    const rows = returnsRows(kind, sql) === 'none' || columns.length === 0 ? null : columns;
    const numericParams = numericCastParameters(duckSql);
    if (rows && numericParams.size > 0) await markVaryingColumns(session, duckSql, rows);
    const query = new PreparedQuery(sql, kind, paramOids, rows, { kind: 'duck', stmt, sql: duckSql });
    if (layout) query.bindOrder = layout.clientOf.map((n) => n - 1);
    query.numericParams = numericParams;
    return query;
  } catch (err) {
    stmt.destroySync();
    throw err;
  }
}

/** Parameters DuckDB could not type get the client's declared type, else text (PostgreSQL's rule for unknown). */
function unresolvedParameterCasts(stmt: DuckDBPreparedStatement, declared: number[], skip: ReadonlySet<number>): Map<number, string> {
  const casts = new Map<number, string>();
  for (let i = 1; i <= stmt.parameterCount; i++) {
    if (stmt.parameterTypeId(i) !== INVALID_TYPE_ID || skip.has(i)) continue;
    const oid = declared[i - 1] ?? 0;
    // unconstrained, as declared: each Execute gives it its value's scale (server/numeric-params.ts)
    const name = oid === Oid.numeric ? 'NUMERIC' : oid ? duckTypeNameForOid(oid) : 'VARCHAR';
    if (!name) throw new PgError(SqlState.UndefinedObject, `type with OID ${oid} is not supported as a parameter type`);
    casts.set(i, name);
  }
  return casts;
}

function parameterOids(stmt: DuckDBPreparedStatement, declared: number[]): number[] {
  const oids: number[] = [];
  for (let i = 1; i <= stmt.parameterCount; i++) {
    const d = declared[i - 1] ?? 0;
    oids.push(d !== 0 ? d : pgTypeOf(stmt.parameterType(i)).oid);
  }
  return oids;
}

function resultColumns(stmt: DuckDBPreparedStatement): ColumnInfo[] {
  const cols: ColumnInfo[] = [];
  for (let i = 0; i < stmt.columnCount; i++) {
    if (stmt.columnTypeId(i) === INVALID_TYPE_ID) {
      throw new PgError(SqlState.IndeterminateDatatype, `could not determine data type of column "${stmt.columnName(i)}"`);
    }
    cols.push({ name: stmt.columnName(i), type: stmt.columnType(i) });
  }
  return cols;
}

/**
 * The result columns whose type depends on the scales of the numeric parameters: those that change
 * when the statement is prepared with another scale than DuckDB's default (18,3) at Parse.
 */
async function markVaryingColumns(session: Session, duckSql: string, columns: ColumnInfo[]): Promise<void> {
  const probe = await session.engine.prepare(withNumericScales(duckSql, () => PROBE_SCALE));
  try {
    if (probe.columnCount !== columns.length) {
      throw new PgError(SqlState.InternalError, 'numeric parameter scales changed the number of result columns');
    }
    columns.forEach((c, i) => {
      if (probe.columnType(i).toString() !== c.type.toString()) c.varies = true;
    });
  } finally {
    probe.destroySync();
  }
}

/** Not DuckDB's default scale (3) nor that of the precision (38): every column the scales reach differs. */
const PROBE_SCALE = 1;

export const TEXT_COLUMN = (name: string): ColumnInfo => ({ name, type: VARCHAR });

/** In a failed transaction block only COMMIT/ROLLBACK run (PostgreSQL's 25P02). */
export function checkNotFailed(session: Session, command: SessionCommand | null): void {
  if (session.txStatus === 'E' && !allowedInFailedTransaction(command)) {
    throw new PgError(SqlState.InFailedSqlTransaction, 'current transaction is aborted, commands ignored until end of transaction block');
  }
}


/** PostgreSQL refuses writes in a read-only transaction (25006), temporary tables included; DuckDB would allow those. */
export function checkWritable(session: Session, query: PreparedQuery): void {
  if (!writesData(query.statementKind) || session.settings.get('transaction_read_only') !== 'on') return;
  const what = commandTag(query.statementKind, query.sql, 0).replace(/( 0)+$/, '');
  throw new PgError(SqlState.ReadOnlySqlTransaction, `cannot execute ${what} in a read-only transaction`);
}
