import type { Catalog, CustomViewRow } from '../datalake/catalog/index.js';
import type { Logger } from '../log/log.js';
import { findViewSet, type BlockViewSet, type ViewSetDef } from '../views/index.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
import { compileCustomView, type CompiledView } from './custom-view-compile.js';
import type { WriterPool } from './writer-pool.js';

/** A user view as the lakehouse builds it: its source's slices and row builder, its own partial/final SQL. */
export type CustomViewSet = BlockViewSet & { custom: CompiledView };

export const isCustomView = (v: ViewSetDef): v is CustomViewSet => 'custom' in v;

/** Lower-case, unquoted-identifier names: the name is used as is in every catalog listing and query. */
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The user views of the catalog (`CREATE MATERIALIZED VIEW`), compiled. The
 * catalog is the truth: every node reloads the definitions (at start, after
 * its own CREATE/DROP, and at each maintenance run), so all nodes sharing a
 * catalog serve the same views.
 */
export class CustomViews {
  private readonly views = new Map<string, CustomViewSet>();
  private readonly listeners: (() => void | Promise<void>)[] = [];
  private loading?: Promise<void>;

  constructor(
    private readonly catalog: Catalog,
    private readonly writers: WriterPool,
    private readonly log: Logger,
  ) {}

  get(name: string): CustomViewSet | undefined {
    return this.views.get(name);
  }

  all(): CustomViewSet[] {
    return [...this.views.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Called (and awaited) after the set of views changed (a view was created, dropped or redefined). */
  onChange(listener: () => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Reads the definitions from the catalog and compiles the new ones; concurrent calls share one load. */
  load(): Promise<void> {
    this.loading ??= this.loadOnce().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Checks and compiles the definition, then records it. `false`: it exists and ifNotExists was given. */
  async create(name: string, definition: string, ifNotExists: boolean): Promise<boolean> {
    checkName(name);
    await this.load();
    if (this.views.has(name)) {
      if (ifNotExists) return false;
      throw new PgError(SqlState.DuplicateTable, `relation "${name}" already exists`);
    }
    const view = await this.compile({ name, definition, created_at: 0 });
    try {
      await this.catalog.customViews.create(name, definition);
    } catch (err) {
      // created meanwhile by another node
      if ((err as { code?: string }).code === 'CONFLICT' && ifNotExists) return false;
      if ((err as { code?: string }).code === 'CONFLICT') throw new PgError(SqlState.DuplicateTable, `relation "${name}" already exists`);
      throw err;
    }
    this.views.set(name, view);
    await this.notify();
    return true;
  }

  /** Removes the definition. `false`: there was none and ifExists was given. */
  async drop(name: string, ifExists: boolean): Promise<boolean> {
    if (findViewSet(name)) throw new PgError(SqlState.WrongObjectType, `"${name}" is a built-in telemetry view: it cannot be dropped`);
    const dropped = await this.catalog.customViews.drop(name);
    // dropped here or on another node: either way the name is gone
    if (this.views.delete(name)) await this.notify();
    if (!dropped && !ifExists) throw new PgError(SqlState.UndefinedTable, `materialized view "${name}" does not exist`);
    return dropped;
  }

  private async notify(): Promise<void> {
    for (const l of this.listeners) await l();
  }

  private async loadOnce(): Promise<void> {
    const rows = await this.catalog.customViews.list();
    let changed = false;
    const names = new Set(rows.map((r) => r.name));
    for (const name of [...this.views.keys()]) {
      if (!names.has(name)) {
        this.views.delete(name);
        changed = true;
      }
    }
    for (const row of rows) {
      if (this.views.get(row.name)?.custom.definition === row.definition) continue;
      try {
        this.views.set(row.name, await this.compile(row));
        changed = true;
      } catch (err) {
        // a definition this version cannot compile (e.g. a source view's columns changed) stays out, loudly
        if (this.views.delete(row.name)) changed = true;
        this.log.error({ err, view: row.name }, 'custom view definition does not compile: the view is unavailable');
      }
    }
    if (changed) await this.notify();
  }

  private async compile(row: CustomViewRow): Promise<CustomViewSet> {
    const compiled = await this.writers.use((conn) => compileCustomView(conn, row.name, row.definition));
    const s = compiled.source;
    return {
      ...s,
      name: row.name,
      description: `materialized view over ${s.name}: ${row.definition}`,
      schemaVersion: compiled.schemaVersion,
      instanceKind: null,
      global: true,
      blockRange: compiled.sourceRange,
      custom: compiled,
    };
  }
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new PgError(SqlState.InvalidName, `invalid materialized view name "${name}"`, { hint: 'Use a lower-case name of letters, digits and underscores, starting with a letter.' });
  }
  if (findViewSet(name) || name === 'view_instance') throw new PgError(SqlState.DuplicateTable, `relation "${name}" already exists`, { hint: 'It is a built-in telemetry view.' });
}
