import type { Catalog } from '../datalake/catalog/index.js';
import type { MaintenanceRun } from '../lakehouse/maintenance.js';
import type { LakehouseStats } from '../lakehouse/stats.js';
import type { RetentionService } from '../retention/index.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

/**
 * What the retention and system administration functions need besides the
 * lakehouse: the catalog, the retention service, the lakehouse counters and
 * the maintenance history of this node. cli/app.ts registers them against the
 * lakehouse the wire server was given (the server reaches the administration
 * side only through that object, server/views.ts ViewResolver.admin()).
 */
export interface AdminServices {
  catalog: Catalog;
  retention: RetentionService;
  stats(): LakehouseStats;
  /** This node's maintenance runs, oldest first; empty when the loop is off. */
  maintenanceHistory(): readonly MaintenanceRun[];
}

const registry = new WeakMap<object, AdminServices>();

export function registerAdminServices(lakehouse: object, services: AdminServices): void {
  registry.set(lakehouse, services);
}

export function adminServices(lakehouse: object, fn: string): AdminServices {
  const found = registry.get(lakehouse);
  if (!found) throw new PgError(SqlState.ObjectNotInPrerequisiteState, `${fn}: retention and system administration are not set up on this server`);
  return found;
}
