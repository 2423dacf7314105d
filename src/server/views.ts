import { existsSync } from 'node:fs';
import type { DuckSqlParser } from '../sql/duck-parser.js';
import { applyOverrides, deriveRanges, evaluateOverrides, hullRanges, type TimeRange } from '../sql/time-range.js';
import { quoteIdentifier } from '../sql/view-instance-rewrite.js';
import { rollupRewrite } from '../sql/rollup-rewrite.js';
import { findViews, mentionsView, type FoundViews, type ViewDefs } from '../sql/views-in-query.js';
import * as be from '../wire/backend.js';
import type { LakehouseAdmin } from './admin-functions.js';
import type { Connection } from './connection.js';
import type { Session } from './session.js';

/**
 * The bridge between a statement and the lakehouse (docs/lakehouse.md):
 * at Parse, the views a statement names become TEMP VIEWs of the right
 * schema (so DuckDB can prepare and describe it); at Execute, once bound
 * parameters are known, each view's time range picks the partitions, which
 * are materialized if needed and become the TEMP VIEW's files.
 */
/** What the server needs of the lakehouse (src/lakehouse implements it). */
export interface ViewResolver {
  /** Throws a PgError (42P01/22023) for an unknown view set, a view without instances or an unknown id. */
  checkRef(ref: { viewSet: string; instanceId: string }): void;
  /** The files of the view for a time range, pinned in the local cache until release(). */
  /** `signal`: the statement was canceled; stop waiting for builds (57014). A build others need goes on. */
  resolve(
    ref: { viewSet: string; instanceId: string },
    range: TimeRange,
    progress?: (message: string) => void,
    signal?: AbortSignal,
  ): Promise<{ files: string[]; release(): void }>;
  /** SQL of a relation with the view's columns and no rows. */
  emptyRelationSql(viewSet: string): string;
  /** SQL of the relation reading these partition files. */
  filesRelationSql(viewSet: string, files: string[]): string;
  /** Statements every session connection runs once (view macros such as property_get). */
  sessionSetupSql(): readonly string[];
  /** The administration functions' side of the lakehouse (list_partitions(), materialize_partitions(), …). */
  admin(): LakehouseAdmin;
  /** Bumped whenever views were created or dropped. */
  readonly version: number;
}

export interface ViewsContext {
  lakehouse: ViewResolver;
  parser: DuckSqlParser;
  defs: ViewDefs;
}

/** Finds the views of a statement and defines them as empty relations; null when it names none. */
export async function prepareViews(views: ViewsContext, session: Session, sql: string): Promise<FoundViews | null> {
  if (session.knownViewsVersion !== views.lakehouse.version) await dropStaleViews(views, session);
  if (!mentionsView(sql, views.defs)) return null;
  // counts of logs by level/target/process over whole minutes are read from log_stats (sql/rollup-rewrite.ts)
  const rollup = await rollupRewrite(views.parser, sql, session.settings.timeZone().iana);
  const found = await findViews(views.parser, rollup ?? sql, views.defs);
  if (found.refs.length === 0) return null;
  for (const ref of uniqueTables(found)) {
    views.lakehouse.checkRef({ viewSet: ref.viewSet, instanceId: ref.instanceId });
    // a view this session already bound keeps its files while they exist: a repeated query then needs no
    // re-prepare; files of retired or evicted partitions would fail DuckDB's binding, so those go empty
    const bound = session.boundViews.get(ref.tableName);
    if (!bound || !bound.files.every((f) => existsSync(f))) await defineView(session, ref.tableName, views.lakehouse.emptyRelationSql(ref.viewSet), []);
  }
  return found;
}

/** After a failed prepare over bound files (one vanished meanwhile): every view of the statement back to empty. */
export async function resetViews(views: ViewsContext, session: Session, found: FoundViews): Promise<void> {
  for (const ref of uniqueTables(found)) await defineView(session, ref.tableName, views.lakehouse.emptyRelationSql(ref.viewSet), []);
}

/** The versions of the TEMP VIEWs a statement reads, as they are now (recorded when it is prepared). */
export function viewVersions(session: Session, found: FoundViews): Map<string, number> {
  return new Map(uniqueTables(found).map((r) => [r.tableName, session.boundViews.get(r.tableName)?.version ?? 0]));
}

/**
 * Before Execute: resolve each view's partitions for its time range and point
 * its TEMP VIEW at them. Returns the releases of the pinned files, to call
 * when the statement is done.
 */
export async function bindViews(views: ViewsContext, conn: Connection, session: Session, found: FoundViews, params: (Buffer | null)[]): Promise<(() => void)[]> {
  const timeZone = session.settings.timeZone().iana;
  const textParams = params.map((p) => (p === null ? null : p.toString('utf8')));
  const ranges = await deriveRanges(views.parser, found, { timeZone, params: textParams });
  const overrides = await evaluateOverrides(
    views.parser,
    { begin: session.settings.get('sirius.query_range_begin', true) || undefined, end: session.settings.get('sirius.query_range_end', true) || undefined },
    timeZone,
  );
  const byTable = new Map<string, { ref: FoundViews['refs'][number]; range: TimeRange }>();
  for (const ref of found.refs) {
    const range = applyOverrides(ranges.get(ref) ?? {}, overrides);
    const seen = byTable.get(ref.tableName);
    byTable.set(ref.tableName, { ref, range: seen ? hullRanges(seen.range, range) : range });
  }
  const releases: (() => void)[] = [];
  // flushed at once, so the client sees progress while a cold partition builds
  const progress = (message: string): void => {
    be.noticeResponse(conn.out, message, { severity: 'NOTICE' });
    void conn.flush();
  };
  try {
    for (const [table, { ref, range }] of byTable) {
      const resolved = await views.lakehouse.resolve({ viewSet: ref.viewSet, instanceId: ref.instanceId }, range, progress, session.statementAbort?.signal);
      releases.push(() => resolved.release());
      const { files } = resolved;
      const relation = files.length === 0 ? views.lakehouse.emptyRelationSql(ref.viewSet) : views.lakehouse.filesRelationSql(ref.viewSet, files);
      await defineView(session, table, relation, files);
    }
  } catch (err) {
    for (const r of releases) r();
    throw err;
  }
  return releases;
}

/**
 * A dropped user view must not live on as this session's TEMP VIEW over its old
 * files: its name then means nothing again (42P01), as for a new session.
 */
async function dropStaleViews(views: ViewsContext, session: Session): Promise<void> {
  const version = views.lakehouse.version;
  for (const table of [...session.boundViews.keys()]) {
    if (table.startsWith('view_instance:') || views.defs.has(table)) continue;
    await session.engine.run(`DROP VIEW IF EXISTS temp.${quoteIdentifier(table)}`);
    session.boundViews.delete(table);
  }
  session.knownViewsVersion = version;
}

function uniqueTables(found: FoundViews): FoundViews['refs'] {
  const seen = new Set<string>();
  return found.refs.filter((r) => !seen.has(r.tableName) && seen.add(r.tableName));
}

/** (Re)defines a TEMP VIEW, unless it already reads exactly this relation. */
async function defineView(session: Session, table: string, relationSql: string, files: string[]): Promise<void> {
  if (session.boundViews.get(table)?.relation === relationSql) return;
  await session.engine.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(table)} AS ${relationSql}`);
  session.boundViews.set(table, { relation: relationSql, version: ++session.viewVersion, files });
}
