import type { Lakehouse, TimeRange, ViewRef } from './lakehouse.js';

/**
 * The lakehouse as the wire server sees it (server/views.ts ViewResolver):
 * relations over partition files that always have the view's declared
 * column types, so a statement prepared over the empty relation keeps its
 * result shape once files exist. The view names follow the user views: the
 * `defs()` map is kept up to date in place as views are created and dropped.
 */
export class LakehouseViews {
  private readonly live = new Map<string, { timeColumn: string }>();
  private readonly listeners: (() => void | Promise<void>)[] = [];
  /** Bumped whenever the set of view names changes (server/views.ts drops stale TEMP VIEWs then). */
  version = 0;

  constructor(private readonly lakehouse: Lakehouse) {
    this.sync();
    lakehouse.customViews.onChange(async () => {
      this.sync();
      this.version++;
      for (const l of this.listeners) await l();
    });
  }

  /** View set name → its event-time column, for the SQL analysis; the same map, updated in place. */
  defs(): Map<string, { timeColumn: string }> {
    return this.live;
  }

  /** Called (and awaited) after views were created or dropped (the emulated pg_catalog lists them). */
  onChange(listener: () => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  checkRef(ref: { viewSet: string; instanceId: string }): void {
    this.lakehouse.emptyRelationSql(ref.viewSet); // throws 42P01 naming the valid view sets
  }

  async resolve(ref: ViewRef, range: TimeRange, progress?: (message: string) => void, signal?: AbortSignal): Promise<{ files: string[]; release(): void }> {
    return this.lakehouse.resolve(ref, range, progress, signal);
  }

  emptyRelationSql(viewSet: string): string {
    return this.lakehouse.emptyRelationSql(viewSet);
  }

  filesRelationSql(viewSet: string, files: string[]): string {
    return this.lakehouse.filesRelationSql(viewSet, files);
  }

  sessionSetupSql(): readonly string[] {
    return this.lakehouse.sessionSetupSql();
  }

  /** For the administration functions (server/admin-functions.ts). */
  admin(): Lakehouse {
    return this.lakehouse;
  }

  private sync(): void {
    const infos = this.lakehouse.viewSets();
    const names = new Set(infos.map((v) => v.name));
    for (const name of [...this.live.keys()]) if (!names.has(name)) this.live.delete(name);
    for (const v of infos) this.live.set(v.name, { timeColumn: v.timeColumn });
  }
}
