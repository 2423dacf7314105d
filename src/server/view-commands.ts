import type { Lakehouse } from '../lakehouse/index.js';
import type { ViewCommand } from '../sql/view-ddl.js';
import * as be from '../wire/backend.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import type { Connection } from './connection.js';
import type { Session } from './session.js';

/**
 * CREATE / DROP / REFRESH MATERIALIZED VIEW: user views over the telemetry
 * views, kept in the catalog and materialized per partition by the lakehouse
 * (docs/views.md, "Custom views"). Admins only when authentication is on.
 * Returns the command tag.
 */
export async function runViewCommand(conn: Connection, session: Session, cmd: ViewCommand): Promise<string> {
  const lakehouse = session.views?.lakehouse.admin() as Lakehouse | undefined;
  if (!lakehouse) throw new PgError(SqlState.FeatureNotSupported, 'materialized views need the lakehouse, which this server does not run');
  if (!session.admin) {
    throw new PgError(SqlState.InsufficientPrivilege, 'permission denied to change materialized views', { hint: 'only admin users (users file: name:secret:admin) may create, drop or refresh them' });
  }
  const notice = (message: string): void => {
    be.noticeResponse(conn.out, message, { severity: 'NOTICE' });
    // a long build shows its progress as it goes
    void conn.flush();
  };
  switch (cmd.type) {
    case 'create_view': {
      if (!(await lakehouse.customViews.create(cmd.name, cmd.definition, cmd.ifNotExists))) {
        notice(`relation "${cmd.name}" already exists, skipping`);
        return 'CREATE MATERIALIZED VIEW';
      }
      if (!cmd.withData) return 'CREATE MATERIALIZED VIEW';
      // as in PostgreSQL, the view is populated now and the tag counts its rows
      return `SELECT ${await lakehouse.populate(cmd.name, notice, session.statementAbort?.signal)}`;
    }
    case 'drop_view':
      for (const name of cmd.names) {
        if (!(await lakehouse.dropCustomView(name, cmd.ifExists))) notice(`materialized view "${name}" does not exist, skipping`);
      }
      return 'DROP MATERIALIZED VIEW';
    case 'refresh_view':
      if (!lakehouse.customViews.get(cmd.name)) {
        await lakehouse.customViews.load(); // created on another node since the last load?
        if (!lakehouse.customViews.get(cmd.name)) throw new PgError(SqlState.UndefinedTable, `materialized view "${cmd.name}" does not exist`);
      }
      if (cmd.withData) await lakehouse.populate(cmd.name, notice, session.statementAbort?.signal);
      else await lakehouse.retireRange({ viewSet: cmd.name, instanceId: 'global' }, {}, notice);
      return 'REFRESH MATERIALIZED VIEW';
  }
}
