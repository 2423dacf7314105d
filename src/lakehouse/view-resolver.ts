import type { ViewSetInfo } from '../views/view-set.js';
import type { Lakehouse, TimeRange, ViewRef } from './lakehouse.js';

/**
 * The lakehouse as the wire server sees it (server/views.ts ViewResolver):
 * relations over partition files that always have the view's declared
 * column types, so a statement prepared over the empty relation keeps its
 * result shape once files exist.
 */
export class LakehouseViews {
  private readonly infos: Map<string, ViewSetInfo>;

  constructor(private readonly lakehouse: Lakehouse) {
    this.infos = new Map(lakehouse.viewSets().map((v) => [v.name, v]));
  }

  /** View set name → its event-time column, for the SQL analysis. */
  defs(): Map<string, { timeColumn: string }> {
    return new Map([...this.infos].map(([name, v]) => [name, { timeColumn: v.timeColumn }]));
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
    const info = this.infos.get(viewSet);
    if (!info) return this.lakehouse.emptyRelationSql(viewSet);
    const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
    const cols = info.columns.map((c) => `CAST(${quote(c.name)} AS ${c.type}) AS ${quote(c.name)}`).join(', ');
    return `SELECT ${cols} FROM read_parquet([${list}])`;
  }

  sessionSetupSql(): readonly string[] {
    return this.lakehouse.sessionSetupSql();
  }

  /** For the administration functions (server/admin-functions.ts). */
  admin(): Lakehouse {
    return this.lakehouse;
  }
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
