import { SessionSettings } from '../sql/settings.js';
import * as be from '../wire/backend.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { Connection } from './connection.js';
import { parseStartupOptions } from './startup-options.js';
import { Session } from './session.js';
import { SERVER_VERSION, SERVER_VERSION_NUM } from './version.js';

/** Startup parameters that are not run-time settings. */
const NOT_SETTINGS = new Set(['user', 'database', 'options', 'replication']);

/**
 * After authentication: a DuckDB connection, the session's settings from the
 * startup packet, then ParameterStatus*, BackendKeyData and ReadyForQuery.
 */
export async function openSession(conn: Connection, user: string, admin: boolean, params: Map<string, string>): Promise<void> {
  const { ctx } = conn;
  const settings = new SessionSettings({ user, timeZone: ctx.config.timeZone, serverVersion: SERVER_VERSION, serverVersionNum: SERVER_VERSION_NUM });
  for (const [name, value] of params) {
    if (!NOT_SETTINGS.has(name)) applyStartupSetting(settings, name, value);
  }
  for (const [name, value] of parseStartupOptions(params.get('options') ?? '')) applyStartupSetting(settings, name, value);
  if (params.get('replication') && !/^(false|off|no|0)$/i.test(params.get('replication')!)) {
    throw PgError.fatal(SqlState.FeatureNotSupported, 'replication connections are not supported');
  }
  const engine = await ctx.engine.connect();
  let session: Session;
  try {
    const keys = ctx.cancels.register({ cancel: () => session?.cancel() });
    session = new Session(user, admin, keys.pid, settings, engine, () => ctx.cancels.unregister(keys.pid));
    session.views = ctx.views;
    await session.openScratchCatalog();
    await session.syncTimeZone();
    conn.session = session;
    conn.phase = 'ready';
    conn.log = conn.log.child({ pid: keys.pid });
    for (const [name, value] of settings.startupParameterStatus()) be.parameterStatus(conn.out, name, value);
    be.backendKeyData(conn.out, keys.pid, keys.key);
    be.readyForQuery(conn.out, 'I');
  } catch (err) {
    engine.close();
    throw err;
  }
}

/** A bad startup setting is FATAL, as in PostgreSQL (the session would start in a state the client did not ask for). */
function applyStartupSetting(settings: SessionSettings, name: string, value: string): void {
  try {
    settings.applyStartupParameter(name, value);
  } catch (err) {
    if (err instanceof PgError) throw PgError.fatal(err.code, err.message, { detail: err.detail, hint: err.hint });
    throw err;
  }
}
