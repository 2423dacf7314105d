import { parseSessionStatement } from '../../../src/sql/session-hooks.js';
import type { SessionSettings } from '../../../src/sql/settings.js';
import { PgError } from '../../../src/wire/pg-error.js';

/** What one statement did, in a form both PostgreSQL and SessionSettings can produce. */
export interface Outcome {
  show?: { column: string; value: string };
  error?: { code: string; message: string; detail?: string; hint?: string };
  warning?: { code: string; message: string };
}

/**
 * Applies a session statement to SessionSettings the way the server does
 * (the settings side only: no DuckDB), for differential tests against PostgreSQL.
 */
export function runOnSettings(settings: SessionSettings, sql: string): Outcome {
  try {
    const cmd = parseSessionStatement(sql);
    if (!cmd) throw new Error(`not a session statement: ${sql}`);
    let warning: PgError | undefined;
    switch (cmd.type) {
      case 'set': warning = settings.set(cmd.name, cmd.value, cmd.scope); break;
      case 'set_transaction': warning = settings.setTransactionModes(cmd.modes); break;
      case 'set_session_characteristics': settings.setSessionCharacteristics(cmd.modes); break;
      case 'reset': settings.reset(cmd.name); break;
      case 'reset_all': settings.resetAll(); break;
      case 'show': return { show: { column: settings.showName(cmd.name), value: settings.get(cmd.name) } };
      case 'begin': warning = settings.begin(cmd.modes); break;
      case 'commit': warning = settings.commit(); break;
      case 'rollback': warning = settings.rollback(); break;
      case 'savepoint': settings.savepoint(cmd.name); break;
      case 'release': settings.releaseSavepoint(cmd.name); break;
      case 'rollback_to': settings.rollbackToSavepoint(cmd.name); break;
      default: throw new Error(`not handled here: ${cmd.type}`);
    }
    return warning ? { warning: { code: warning.code, message: warning.message } } : {};
  } catch (err) {
    if (!(err instanceof PgError)) throw err;
    return { error: { code: err.code, message: err.message, detail: err.detail, hint: err.hint } };
  }
}
