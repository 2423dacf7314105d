import { VARCHAR } from '@duckdb/node-api';
import type { ChunkStream } from '../engine/engine.js';
import { rewritePgSql } from '../pgcatalog/rewrite.js';
import { duckdbPrepareSql, quoteIdent } from '../sql/prepare-sql.js';
import type { SessionCommand } from '../sql/session-hooks.js';
import { mentionsView } from '../sql/views-in-query.js';
import type { SetArg } from '../sql/settings.js';
import * as be from '../wire/backend.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { Connection } from './connection.js';
import type { ColumnInfo } from './prepare.js';
import type { Session } from './session.js';
import { cursorColumns, declareCursor, fetchCursor } from './sql-cursors.js';
import { runViewCommand } from './view-commands.js';

/**
 * SET/SHOW/RESET, transaction control and session housekeeping, answered by
 * Sirius with PostgreSQL's behaviour (sql/session-hooks.ts parses them).
 * Rows (SHOW) are produced by DuckDB from literals so every result takes the
 * same encoding path.
 */
export interface CommandResult {
  tag: string;
  stream: ChunkStream | null;
}

const text = (name: string): ColumnInfo => ({ name, type: VARCHAR });

export function commandColumns(cmd: SessionCommand, session: Session): ColumnInfo[] | null {
  if (cmd.type === 'show') return [text(session.settings.showName(cmd.name))];
  if (cmd.type === 'show_all') return [text('name'), text('setting'), text('description')];
  if (cmd.type === 'fetch' && !cmd.move) return cursorColumns(session, cmd.name);
  return null;
}

/** Statements still allowed in a failed transaction block. */
export function allowedInFailedTransaction(cmd: SessionCommand | null): boolean {
  return cmd !== null && (cmd.type === 'commit' || cmd.type === 'rollback' || cmd.type === 'rollback_to');
}

export async function runSessionCommand(conn: Connection, session: Session, cmd: SessionCommand): Promise<CommandResult> {
  const zoneBefore = session.settings.timeZone().iana;
  const result = await dispatch(conn, session, cmd);
  for (const [name, value] of session.settings.takeReportableChanges()) be.parameterStatus(conn.out, name, value);
  await session.syncTimeZone();
  // DuckDB folds time zone dependent constants ('2021-12-22'::TIMESTAMPTZ) into its plans: cached ones are stale now
  if (session.settings.timeZone().iana !== zoneBefore) session.engine.changed();
  // a command with rows (SHOW, FETCH) changed no setting, and a query now would end the stream of its rows
  if (!result.stream) await session.syncCatalogSettings();
  return result;
}

async function dispatch(conn: Connection, session: Session, cmd: SessionCommand): Promise<CommandResult> {
  const { settings } = session;
  const done = (tag: string): CommandResult => ({ tag, stream: null });
  switch (cmd.type) {
    case 'set':
      await setParameter(conn, session, cmd.name, cmd.value, cmd.scope);
      return done('SET');
    case 'set_transaction':
      warn(conn, settings.setTransactionModes(cmd.modes));
      return done('SET');
    case 'set_session_characteristics':
      settings.setSessionCharacteristics(cmd.modes);
      return done('SET');
    case 'reset':
      // a DuckDB setting is reset the way SET … TO DEFAULT resets it
      await setParameter(conn, session, cmd.name, null, 'session');
      return done('RESET');
    case 'reset_all':
      settings.resetAll();
      return done('RESET');
    case 'show':
      return { tag: 'SHOW', stream: await literalRows(session, [settings.showName(cmd.name)], [[settings.get(cmd.name)]]) };
    case 'show_all': {
      const rows = settings.showAll().map((r) => [r.name, r.setting, r.description]);
      return { tag: 'SHOW', stream: await literalRows(session, ['name', 'setting', 'description'], rows) };
    }
    case 'begin':
      await begin(conn, session, cmd.modes);
      return done(cmd.tag);
    case 'commit':
      return done(await endTransaction(conn, session, session.txStatus === 'E' ? 'rollback' : 'commit', cmd.chain));
    case 'rollback':
      return done(await endTransaction(conn, session, 'rollback', cmd.chain));
    case 'savepoint':
    case 'release':
    case 'rollback_to':
      throw new PgError(SqlState.FeatureNotSupported, 'savepoints are not supported', {
        hint: 'DuckDB transactions cannot be rolled back in part; use a whole transaction.',
      });
    case 'discard':
      return done(await discard(session, cmd.target));
    case 'prepare':
      await prepareSql(session, cmd.name, cmd.types, cmd.body);
      return done('PREPARE');
    case 'deallocate':
      await deallocate(session, cmd.name);
      return done(cmd.name === null ? 'DEALLOCATE ALL' : 'DEALLOCATE');
    case 'close':
      closeCursor(session, cmd.name);
      return done(cmd.name === null ? 'CLOSE CURSOR ALL' : 'CLOSE CURSOR');
    case 'declare':
      await declareCursor(session, cmd.name, cmd.binary, cmd.hold, cmd.body);
      return done('DECLARE CURSOR');
    case 'fetch': {
      const n = await fetchCursor(conn, session, cmd.name, cmd.count, cmd.move);
      return done(`${cmd.move ? 'MOVE' : 'FETCH'} ${n}`);
    }
    case 'listen':
      // drivers and pools LISTEN as a matter of course; Sirius has no NOTIFY, so the channel stays silent: say so
      warn(conn, new PgError(SqlState.SuccessfulCompletion, `Sirius sends no notifications: nothing will arrive on channel "${cmd.channel}"`, { severity: 'NOTICE' }));
      return done('LISTEN');
    case 'unlisten':
      // nothing is ever listened to, so there is nothing to stop listening to
      return done('UNLISTEN');
    case 'create_view':
    case 'drop_view':
    case 'refresh_view':
      return done(await runViewCommand(conn, session, cmd));
  }
}

function warn(conn: Connection, w: PgError | undefined): void {
  if (w) be.noticeResponse(conn.out, w.message, { severity: w.severity, code: w.code, detail: w.detail });
}

async function begin(conn: Connection, session: Session, modes: Parameters<Session['settings']['begin']>[0]): Promise<void> {
  if (session.txStatus !== 'I') {
    warn(conn, new PgError(SqlState.ActiveSqlTransaction, 'there is already a transaction in progress', { severity: 'WARNING' }));
    return;
  }
  warn(conn, session.settings.begin(modes));
  const readOnly = session.settings.get('transaction_read_only') === 'on';
  await session.engine.run(readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION');
  session.txStatus = 'T';
}

/** COMMIT of a failed transaction rolls back and says so, as PostgreSQL does. */
async function endTransaction(conn: Connection, session: Session, how: 'commit' | 'rollback', chain: boolean): Promise<string> {
  const tag = how === 'commit' ? 'COMMIT' : 'ROLLBACK';
  if (session.txStatus === 'I') {
    if (chain) throw new PgError(SqlState.NoActiveSqlTransaction, `${tag} AND CHAIN can only be used in transaction blocks`);
    warn(conn, new PgError(SqlState.NoActiveSqlTransaction, 'there is no transaction in progress', { severity: 'WARNING' }));
    return tag;
  }
  const modes = chain ? currentModes(session) : null;
  session.closeTransactionPortals();
  session.txStatus = 'I';
  try {
    await session.engine.run(how === 'commit' ? 'COMMIT' : 'ROLLBACK');
    if (how === 'commit') session.settings.commit();
    else session.settings.rollback();
  } catch (err) {
    session.settings.rollback();
    throw err;
  }
  if (modes) await begin(conn, session, modes);
  return tag;
}

function currentModes(session: Session): { readOnly: boolean } {
  return { readOnly: session.settings.get('transaction_read_only') === 'on' };
}

async function discard(session: Session, target: 'all' | 'plans' | 'temp' | 'sequences'): Promise<string> {
  if (target === 'all' && session.txStatus !== 'I') {
    throw new PgError(SqlState.ActiveSqlTransaction, 'DISCARD ALL cannot run inside a transaction block');
  }
  if (target === 'all' || target === 'temp') await dropTempTables(session);
  if (target === 'all') {
    session.closeTransactionPortals();
    await deallocate(session, null);
    session.settings.resetAll();
  }
  return `DISCARD ${target.toUpperCase()}`;
}

async function dropTempTables(session: Session): Promise<void> {
  // the settings table of the pg_catalog emulation is session state, not a temporary table of the client's
  const stream = await session.engine.query(`SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name <> 'sirius_session_settings'`);
  const names: string[] = [];
  for (let c = await stream.next(); c; c = await stream.next()) {
    for (const [v] of c.getRows()) names.push(String(v));
  }
  for (const n of names) await session.engine.run(`DROP TABLE temp.main."${n.replace(/"/g, '""')}"`);
}

/** The statements SQL-level PREPARE created in each session's DuckDB connection (DEALLOCATE drops them). */
const sqlPrepared = new WeakMap<Session, Set<string>>();

/**
 * PREPARE name [(type, …)] AS stmt: DuckDB's PREPARE, with the declared types as casts on the parameters. Protocol-level
 * statements and SQL-level ones share PostgreSQL's namespace, so a name taken by either is 42P05.
 */
async function prepareSql(session: Session, name: string, types: string[] | null, body: string): Promise<void> {
  const names = sqlPrepared.get(session) ?? new Set<string>();
  if (names.has(name) || session.statements.has(name)) throw new PgError(SqlState.DuplicatePreparedStatement, `prepared statement "${name}" already exists`);
  if (session.views && mentionsView(body, session.views.defs)) {
    throw new PgError(SqlState.FeatureNotSupported, 'PREPARE of a statement over the telemetry views is not supported', {
      hint: 'Prepare it with the extended query protocol (a driver\'s prepared statement) instead.',
    });
  }
  await session.engine.run(duckdbPrepareSql(name, types, rewritePgSql(body).sql));
  // cached EXECUTE statements were bound to the statement a name had before
  session.engine.changed();
  names.add(name);
  sqlPrepared.set(session, names);
}

/** DEALLOCATE [name | ALL]: protocol-level statements and SQL-level ones alike; an unknown name is 26000. */
async function deallocate(session: Session, name: string | null): Promise<void> {
  const names = sqlPrepared.get(session) ?? new Set<string>();
  if (name === null) {
    for (const s of session.statements.values()) s.close();
    session.statements.clear();
    for (const n of names) await session.engine.run(`DEALLOCATE ${quoteIdent(n)}`);
    if (names.size) session.engine.changed();
    names.clear();
    return;
  }
  if (names.has(name)) {
    await session.engine.run(`DEALLOCATE ${quoteIdent(name)}`);
    session.engine.changed();
    names.delete(name);
    return;
  }
  const s = session.statements.get(name);
  if (!s) throw new PgError(SqlState.InvalidSqlStatementName, `prepared statement "${name}" does not exist`);
  s.close();
  session.statements.delete(name);
}

function closeCursor(session: Session, name: string | null): void {
  if (name === null) {
    session.closeTransactionPortals();
    return;
  }
  const p = session.portals.get(name);
  if (!p) throw new PgError(SqlState.InvalidCursorName, `cursor "${name}" does not exist`);
  p.close();
  session.portals.delete(name);
}

/**
 * SET of a PostgreSQL parameter goes to the session's settings map. A name
 * PostgreSQL does not know may be a DuckDB setting: per-connection ones are
 * applied to this session's connection only; instance-wide ones need an admin.
 */
async function setParameter(conn: Connection, session: Session, name: string, value: SetArg[] | null, scope: 'session' | 'local'): Promise<void> {
  try {
    warn(conn, session.settings.set(name, value, scope));
    return;
  } catch (err) {
    if (!(err instanceof PgError) || err.code !== SqlState.UndefinedObject) throw err;
    const duckScope = await duckdbSettingScope(session, name);
    if (!duckScope) throw err;
    if (duckScope === 'GLOBAL' && !session.admin) {
      throw new PgError(SqlState.InsufficientPrivilege, `permission denied to set parameter "${name}"`, {
        detail: `"${name}" is a DuckDB setting shared by every session of this server; only an admin may change it.`,
      });
    }
    const literal = value === null ? 'DEFAULT' : value.map((a) => (a.kind === 'number' ? a.value : `'${a.value.replace(/'/g, "''")}'`)).join(', ');
    const sql = value === null ? `RESET ${duckScope === 'GLOBAL' ? 'GLOBAL' : 'SESSION'} ${name}` : `SET ${duckScope === 'GLOBAL' ? 'GLOBAL' : 'SESSION'} ${name} = ${literal}`;
    await session.engine.run(sql);
    session.engine.changed();
    if (duckScope === 'GLOBAL') {
      session.changedGlobals.add(name.replace(/[^A-Za-z0-9_]/g, ''));
      warn(conn, new PgError(SqlState.Warning, `"${name}" is a DuckDB setting shared by every session: this changed it for all of them until this session ends`, { severity: 'WARNING' }));
    }
  }
}

async function duckdbSettingScope(session: Session, name: string): Promise<'GLOBAL' | 'LOCAL' | null> {
  const stream = await session.engine.query(`SELECT scope FROM duckdb_settings() WHERE lower(name) = lower('${name.replace(/'/g, "''")}')`);
  const chunk = await stream.next();
  const v = chunk?.getRows()[0]?.[0];
  return v === 'GLOBAL' || v === 'LOCAL' ? v : null;
}

/** A result of text columns from literal values, via DuckDB so it takes the normal encoding path. */
async function literalRows(session: Session, names: string[], rows: (string | null)[][]): Promise<ChunkStream> {
  const lit = (v: string | null): string => (v === null ? 'NULL::VARCHAR' : `'${v.replace(/'/g, "''")}'::VARCHAR`);
  const cols = names.map((n) => `"${n.replace(/"/g, '""')}"`).join(', ');
  const values = rows.length ? rows.map((r) => `(${r.map(lit).join(', ')})`).join(', ') : `(${names.map(() => 'NULL::VARCHAR').join(', ')})`;
  const where = rows.length ? '' : ' WHERE false';
  return session.engine.query(`SELECT * FROM (VALUES ${values}) AS t(${cols})${where}`);
}
