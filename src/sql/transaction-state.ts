import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

/** 3B001 invalid_savepoint_specification; not (yet) among the shared SqlState constants. */
const INVALID_SAVEPOINT_SPECIFICATION = '3B001';

/** Transaction characteristics from BEGIN / START TRANSACTION / SET TRANSACTION. */
export interface TransactionModes {
  isolation?: 'serializable' | 'repeatable read' | 'read committed' | 'read uncommitted';
  readOnly?: boolean;
  deferrable?: boolean;
}

interface Savepoint {
  name: string;
  session: Map<string, string>;
  local: Map<string, string>;
}

/**
 * The settings side of a transaction block: the session values to restore on
 * ROLLBACK, the SET LOCAL values that vanish at the end, and the savepoint
 * stack (ROLLBACK TO restores and keeps the savepoint; RELEASE drops it and all
 * later ones). https://www.postgresql.org/docs/15/sql-savepoint.html
 */
export class TransactionState {
  /** SET LOCAL values and the transaction_* characteristics, while a transaction is open. */
  local = new Map<string, string>();
  private sessionAtBegin: Map<string, string> | null = null;
  private savepoints: Savepoint[] = [];

  get active(): boolean {
    return this.sessionAtBegin !== null;
  }

  begin(session: Map<string, string>, characteristics: { isolation: string; readOnly: string; deferrable: string }): void {
    this.sessionAtBegin = new Map(session);
    this.local = new Map([
      ['transaction_isolation', characteristics.isolation],
      ['transaction_read_only', characteristics.readOnly],
      ['transaction_deferrable', characteristics.deferrable],
    ]);
    this.savepoints = [];
  }

  /** Ends the block; with `rollback`, returns the session values to restore. */
  end(rollback = false): Map<string, string> | undefined {
    const restore = this.sessionAtBegin ?? undefined;
    this.sessionAtBegin = null;
    this.local = new Map();
    this.savepoints = [];
    return rollback ? restore : undefined;
  }

  requireActive(command: string): void {
    if (!this.active) {
      throw new PgError(SqlState.NoActiveSqlTransaction, `${command} can only be used in transaction blocks`);
    }
  }

  pushSavepoint(name: string, session: Map<string, string>): void {
    this.savepoints.push({ name, session: new Map(session), local: new Map(this.local) });
  }

  /** RELEASE name: drops the newest savepoint of that name and every later one. */
  release(name: string): void {
    this.savepoints.length = this.find(name);
  }

  /** ROLLBACK TO name: restores SET LOCAL values and returns the session values to restore. */
  rollbackTo(name: string): Map<string, string> {
    const at = this.find(name);
    const sp = this.savepoints[at];
    this.savepoints.length = at + 1;
    this.local = new Map(sp.local);
    return new Map(sp.session);
  }

  private find(name: string): number {
    for (let i = this.savepoints.length - 1; i >= 0; i--) if (this.savepoints[i].name === name) return i;
    throw new PgError(INVALID_SAVEPOINT_SPECIFICATION, `savepoint "${name}" does not exist`);
  }
}
