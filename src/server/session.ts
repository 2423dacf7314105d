import type { EngineSession } from '../engine/engine.js';
import { setUpSession, syncSettings } from '../pgcatalog/install.js';
import type { EncodeContext } from '../pgtypes/bound.js';
import type { SessionSettings } from '../sql/settings.js';
import type { TransactionStatus } from '../wire/backend.js';
import type { Portal } from './portal.js';
import type { PreparedQuery } from './prepare.js';
import { SearchPathSync } from './search-path.js';
import { StatementCache } from './statement-cache.js';
import type { ViewsContext } from './views.js';

/**
 * The state of one authenticated session: settings, transaction status,
 * named statements and portals, and its own DuckDB connection.
 */
export class Session {
  txStatus: TransactionStatus = 'I';
  readonly statements = new Map<string, PreparedQuery>();
  readonly portals = new Map<string, Portal>();
  readonly statementCache = new StatementCache();
  /** Why the running statement is being interrupted, for the 57014 message. */
  cancelReason: 'user' | 'timeout' | null = null;
  running = false;
  /** Aborted with the running statement (cancel, statement_timeout): stops waits DuckDB's interrupt cannot reach. */
  statementAbort: AbortController | null = null;
  private destroyed = false;
  /** The lakehouse views, when the server has a lakehouse (null: plain DuckDB). */
  views: ViewsContext | null = null;
  /** The TEMP VIEW each telemetry view is bound to in this session, and a version bumped at each change. */
  readonly boundViews = new Map<string, { relation: string; version: number; files: string[] }>();
  /** The LakehouseViews.version this session's TEMP VIEWs were last checked against (dropped user views). */
  knownViewsVersion = 0;
  viewVersion = 0;
  /** Instance-wide DuckDB settings this session changed: restored when it ends. */
  readonly changedGlobals = new Set<string>();
  /** The TimeZone last given to this session's DuckDB connection. */
  private duckTimeZone = '';
  /** The session's search_path, applied to its DuckDB connection. */
  private readonly searchPath: SearchPathSync;

  constructor(
    readonly user: string,
    readonly admin: boolean,
    readonly pid: number,
    readonly settings: SessionSettings,
    readonly engine: EngineSession,
    private readonly onDestroy: () => void,
  ) {
    this.searchPath = new SearchPathSync(engine, this.scratchCatalog);
  }

  /** The session's private catalog for scratch tables (see docs/decisions.md). */
  get scratchCatalog(): string {
    return `session_${this.pid}`;
  }

  async openScratchCatalog(): Promise<void> {
    await this.engine.run(`ATTACH ':memory:' AS ${this.scratchCatalog}; USE ${this.scratchCatalog}`);
    for (const sql of this.views?.lakehouse.sessionSetupSql() ?? []) await this.engine.run(sql);
    await setUpSession(this.engine, this.scratchCatalog, this.views);
    await this.syncCatalogSettings();
  }

  /**
   * After any change of the session's settings (SET, RESET, set_config, COMMIT/ROLLBACK, startup): the
   * search_path goes to DuckDB (server/search-path.ts), and the settings to the table the pg_catalog
   * emulation reads (current_setting(), pg_settings, current_schemas()).
   */
  async syncCatalogSettings(): Promise<void> {
    const schemas = await this.searchPath.sync(this.settings.get('search_path'));
    await syncSettings(this.engine, this.settings, this.pid, schemas);
  }

  /**
   * DuckDB keeps TimeZone per connection (ICU), so the session's TimeZone
   * also drives DuckDB's time zone arithmetic (date_trunc, casts, date_part).
   */
  async syncTimeZone(): Promise<void> {
    const tz = this.settings.timeZone().iana;
    if (tz === this.duckTimeZone) return;
    await this.engine.run(`SET TimeZone = '${tz.replace(/'/g, "''")}'`);
    this.duckTimeZone = tz;
  }

  encodeContext(): EncodeContext {
    return this.settings.encodeContext();
  }

  markFailed(): void {
    if (this.txStatus === 'T') this.txStatus = 'E';
  }

  /** CancelRequest: interrupts the running statement; a no-op when idle, as in PostgreSQL. */
  cancel(): void {
    if (!this.running) return;
    this.cancelReason ??= 'user';
    this.engine.interrupt();
    this.statementAbort?.abort();
  }

  /** Portals die at the end of their transaction (Sync outside a transaction block, COMMIT, ROLLBACK). */
  closeTransactionPortals(): void {
    for (const p of this.portals.values()) p.close();
    this.portals.clear();
  }

  /** DuckDB streams one result per connection: before starting another, park open portals in memory. */
  async parkOpenPortals(except?: Portal): Promise<void> {
    // a FETCH/MOVE reads its own cursor's result and runs nothing else on the connection: that cursor keeps streaming
    const target = except?.query.target;
    const fetched = target?.kind === 'command' && target.command.type === 'fetch' ? this.portals.get(target.command.name) : undefined;
    for (const p of this.portals.values()) if (p !== except && p !== fetched) await p.park();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.onDestroy();
    this.closeTransactionPortals();
    for (const s of this.statements.values()) s.close();
    this.statements.clear();
    this.statementCache.clear();
    const catalog = this.scratchCatalog;
    const resets = [...this.changedGlobals].map((name) => `RESET GLOBAL ${name};`).join(' ');
    void this.engine
      .run(`${resets} USE memory; DETACH DATABASE IF EXISTS ${catalog}`)
      .then(() => resets && this.engine.changed())
      .catch(() => undefined)
      .finally(() => this.engine.close());
  }
}
