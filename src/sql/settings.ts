import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { PARAMS, PARAMS_BY_KEY, REPORTABLE, defaultOf, type ParamDef, type SettingsContext } from './settings-defs.js';
import { TIME_MS, baseUnits } from './settings-values.js';
import { flattenSetArgs, type SetArg } from './set-args.js';
import { resolveTimeZone, type ResolvedZone } from './timezone.js';
import { TransactionState, type TransactionModes } from './transaction-state.js';

export type { SettingsContext } from './settings-defs.js';
export type { SetArg } from './set-args.js';
export type { TransactionModes } from './transaction-state.js';

/** 55P02 cant_change_runtime_param; not (yet) among the shared SqlState constants. */
const CANT_CHANGE_RUNTIME_PARAM = '55P02';
/** 42602 invalid_name. */
const INVALID_NAME = '42602';

export interface ShowAllRow {
  name: string;
  setting: string;
  description: string;
}

/** True for the GUC_REPORT parameters, whose changes are sent to the client as ParameterStatus. */
export function reportable(name: string): boolean {
  return PARAMS_BY_KEY.get(name.toLowerCase())?.reportable === true;
}

const CUSTOM_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)+$/;

/**
 * The per-session map of PostgreSQL run-time parameters, with PostgreSQL's
 * transactional behaviour: SET inside a transaction is undone by ROLLBACK (and
 * ROLLBACK TO SAVEPOINT), SET LOCAL lasts until the transaction ends, RESET
 * returns to the value the client gave at startup, else to the default.
 * https://www.postgresql.org/docs/15/sql-set.html
 */
export class SessionSettings {
  /** Session-level values that differ from the reset value. */
  private session = new Map<string, string>();
  /** Startup-packet values: what RESET returns to. */
  private resetValues = new Map<string, string>();
  /** Custom (dotted) parameters ever set or reset: they then show '' rather than failing. */
  private customDefined = new Set<string>();
  private readonly txn = new TransactionState();
  private lastReported = new Map<string, string>();
  private zoneCache: { display: string; zone: ResolvedZone } | null = null;
  private timeoutCache: { raw: string; ms: number } | null = null;

  constructor(private readonly ctx: SettingsContext) {}

  get inTransaction(): boolean {
    return this.txn.active;
  }

  /** SHOW name / current_setting(name). Unknown names fail with 42704 unless `missingOk`. */
  get(name: string): string;
  get(name: string, missingOk: true): string | null;
  get(name: string, missingOk = false): string | null {
    const key = name.toLowerCase();
    const def = PARAMS_BY_KEY.get(key);
    if (!def) {
      if (this.customDefined.has(key)) return this.txn.local.get(key) ?? this.session.get(key) ?? this.resetValues.get(key) ?? '';
      if (missingOk) return null;
      throw unrecognized(name);
    }
    if (def.transactional) return this.txn.active ? this.txn.local.get(key)! : this.get(`default_${key}`);
    return this.txn.local.get(key) ?? this.session.get(key) ?? this.resetValue(def);
  }

  /** The column name SHOW uses: the canonical spelling for known parameters. */
  showName(name: string): string {
    return PARAMS_BY_KEY.get(name.toLowerCase())?.name ?? name.toLowerCase();
  }

  /**
   * SET [SESSION|LOCAL] name = value. `value` is a string (set_config, startup) or the
   * parsed value list; null means DEFAULT. Returns a WARNING to send when SET LOCAL is
   * used outside a transaction block (it then has no effect, as in PostgreSQL).
   */
  set(name: string, value: string | SetArg[] | null, scope: 'session' | 'local' = 'session'): PgError | undefined {
    const key = name.toLowerCase();
    const def = this.writableDef(name);
    const canonical = value === null ? null : this.validate(def, name, value);
    // A custom parameter exists from its first successful SET or RESET on (a PostgreSQL placeholder).
    if (!def) this.customDefined.add(key);
    if (def?.transactional) {
      if (this.txn.active && canonical !== null) this.txn.local.set(key, canonical);
      return undefined;
    }
    if (scope === 'local') {
      if (!this.txn.active) {
        return new PgError(SqlState.NoActiveSqlTransaction, 'SET LOCAL can only be used in transaction blocks', { severity: 'WARNING' });
      }
      this.txn.local.set(key, canonical ?? (def ? this.resetValue(def) : ''));
      return undefined;
    }
    this.txn.local.delete(key);
    if (canonical === null) this.session.delete(key);
    else this.session.set(key, canonical);
    return undefined;
  }

  /** set_config(name, value, is_local): the new value. A local change outside a transaction lasts only for the statement. */
  setConfig(name: string, value: string, isLocal: boolean): string {
    if (isLocal && !this.txn.active) {
      const def = this.writableDef(name);
      return this.validate(def, name, value);
    }
    this.set(name, value, isLocal ? 'local' : 'session');
    return this.get(name);
  }

  reset(name: string): void {
    this.set(name, null);
  }

  /** RESET ALL: every session value back to its reset value; custom parameters stay defined. */
  resetAll(): void {
    this.session.clear();
    for (const key of [...this.txn.local.keys()]) {
      if (!PARAMS_BY_KEY.get(key)?.transactional) this.txn.local.delete(key);
    }
  }

  /** DISCARD ALL's share of the work (RESET ALL); like PostgreSQL, refused inside a transaction block. */
  discardAll(): void {
    if (this.txn.active) throw new PgError(SqlState.ActiveSqlTransaction, 'DISCARD ALL cannot run inside a transaction block');
    this.resetAll();
  }

  /** A startup-packet parameter: applied, and it becomes the value RESET returns to. */
  applyStartupParameter(name: string, value: string): void {
    const def = this.writableDef(name);
    this.resetValues.set(name.toLowerCase(), this.validate(def, name, value));
    if (!def) this.customDefined.add(name.toLowerCase());
  }

  /** SHOW ALL: name, setting, description, sorted by name without regard to case. Custom parameters are not listed. */
  showAll(): ShowAllRow[] {
    return PARAMS.filter((p) => !p.hidden).map((p) => ({ name: p.name, setting: this.get(p.name), description: p.description })).sort((a, b) =>
      a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1,
    );
  }

  /** Every parameter with its current value, hidden and custom ones included (current_setting(), pg_settings). */
  entries(): { name: string; setting: string; description: string }[] {
    const rows = PARAMS.map((p) => ({ name: p.name, setting: this.get(p.name), description: p.description }));
    for (const key of this.customDefined) rows.push({ name: key, setting: this.get(key), description: '' });
    return rows;
  }

  // --- transactions -----------------------------------------------------------

  /** BEGIN / START TRANSACTION. A WARNING (25001) when a transaction is already in progress. */
  begin(modes: TransactionModes = {}): PgError | undefined {
    if (this.txn.active) {
      return new PgError(SqlState.ActiveSqlTransaction, 'there is already a transaction in progress', { severity: 'WARNING' });
    }
    this.txn.begin(this.session, {
      isolation: this.get('default_transaction_isolation'),
      readOnly: this.get('default_transaction_read_only'),
      deferrable: this.get('default_transaction_deferrable'),
    });
    this.setTransactionModes(modes);
    return undefined;
  }

  /** SET TRANSACTION …: a WARNING (25P01) outside a transaction block, where it has no effect. */
  setTransactionModes(modes: TransactionModes): PgError | undefined {
    if (!this.txn.active) {
      return new PgError(SqlState.NoActiveSqlTransaction, 'SET TRANSACTION can only be used in transaction blocks', { severity: 'WARNING' });
    }
    if (modes.isolation) this.set('transaction_isolation', modes.isolation);
    if (modes.readOnly !== undefined) this.set('transaction_read_only', modes.readOnly ? 'on' : 'off');
    if (modes.deferrable !== undefined) this.set('transaction_deferrable', modes.deferrable ? 'on' : 'off');
    return undefined;
  }

  /** SET SESSION CHARACTERISTICS AS TRANSACTION …: the defaults of later transactions. */
  setSessionCharacteristics(modes: TransactionModes): void {
    if (modes.isolation) this.set('default_transaction_isolation', modes.isolation);
    if (modes.readOnly !== undefined) this.set('default_transaction_read_only', modes.readOnly ? 'on' : 'off');
    if (modes.deferrable !== undefined) this.set('default_transaction_deferrable', modes.deferrable ? 'on' : 'off');
  }

  /** COMMIT keeps session-level SETs and drops SET LOCAL ones. A WARNING (25P01) outside a transaction. */
  commit(): PgError | undefined {
    if (!this.txn.active) return noTransactionWarning();
    this.txn.end();
    return undefined;
  }

  /** ROLLBACK undoes every SET made in the transaction. A WARNING (25P01) outside a transaction. */
  rollback(): PgError | undefined {
    if (!this.txn.active) return noTransactionWarning();
    this.session = this.txn.end(true)!;
    return undefined;
  }

  savepoint(name: string): void {
    this.txn.requireActive('SAVEPOINT');
    this.txn.pushSavepoint(name, this.session);
  }

  releaseSavepoint(name: string): void {
    this.txn.requireActive('RELEASE SAVEPOINT');
    this.txn.release(name);
  }

  rollbackToSavepoint(name: string): void {
    this.txn.requireActive('ROLLBACK TO SAVEPOINT');
    this.session = this.txn.rollbackTo(name);
  }

  // --- ParameterStatus ----------------------------------------------------------

  /** The ParameterStatus set sent after authentication, in PostgreSQL's order; marks them reported. */
  startupParameterStatus(): [string, string][] {
    this.lastReported.clear();
    return this.takeReportableChanges();
  }

  /** Reportable parameters whose value differs from what the client was last told (send before ReadyForQuery). */
  takeReportableChanges(): [string, string][] {
    const out: [string, string][] = [];
    for (const name of REPORTABLE) {
      const value = this.get(name);
      if (this.lastReported.get(name) !== value) {
        this.lastReported.set(name, value);
        out.push([name, value]);
      }
    }
    return out;
  }

  // --- typed views for the engine -------------------------------------------------

  timeZone(): ResolvedZone {
    const display = this.get('TimeZone');
    if (this.zoneCache?.display !== display) this.zoneCache = { display, zone: resolveTimeZone(display) };
    return this.zoneCache.zone;
  }

  /** What value encoders need (pgtypes EncodeContext): the zone for timestamptz text. */
  encodeContext(): { timeZone: string } {
    return { timeZone: this.timeZone().iana };
  }

  /** Read at every statement: parsed once per value. */
  statementTimeoutMs(): number {
    const raw = this.get('statement_timeout');
    if (this.timeoutCache?.raw !== raw) this.timeoutCache = { raw, ms: baseUnits(raw, TIME_MS) };
    return this.timeoutCache.ms;
  }

  lockTimeoutMs(): number {
    return baseUnits(this.get('lock_timeout'), TIME_MS);
  }

  idleInTransactionSessionTimeoutMs(): number {
    return baseUnits(this.get('idle_in_transaction_session_timeout'), TIME_MS);
  }

  extraFloatDigits(): number {
    return Number(this.get('extra_float_digits'));
  }

  // --- internals ------------------------------------------------------------------

  /** The definition of a settable parameter (undefined for a valid custom name); errors as PostgreSQL's. */
  private writableDef(name: string): ParamDef | undefined {
    const key = name.toLowerCase();
    const def = PARAMS_BY_KEY.get(key);
    if (def) {
      if (def.readOnly) throw new PgError(CANT_CHANGE_RUNTIME_PARAM, `parameter "${key}" cannot be changed`);
      return def;
    }
    if (!key.includes('.')) throw unrecognized(name);
    if (!CUSTOM_NAME.test(key)) {
      throw new PgError(INVALID_NAME, `invalid configuration parameter name "${name}"`, {
        detail: 'Custom parameter names must be two or more simple identifiers separated by dots.',
      });
    }
    return undefined;
  }

  private validate(def: ParamDef | undefined, typedName: string, value: string | SetArg[]): string {
    const flat = typeof value === 'string' ? value : flattenSetArgs(def, typedName, value);
    if (!def) return flat;
    const current = this.get(def.name);
    return def.check(flat, def.stringType ? def.name : typedName.toLowerCase(), current);
  }

  private resetValue(def: ParamDef): string {
    return this.resetValues.get(def.name.toLowerCase()) ?? defaultOf(def, this.ctx);
  }
}

function unrecognized(name: string): PgError {
  return new PgError(SqlState.UndefinedObject, `unrecognized configuration parameter "${name.toLowerCase()}"`);
}

function noTransactionWarning(): PgError {
  return new PgError(SqlState.NoActiveSqlTransaction, 'there is no transaction in progress', { severity: 'WARNING' });
}
