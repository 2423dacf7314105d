import type { DuckDBType } from '@duckdb/node-api';
import { pgTypeOf } from '../pgtypes/mapping.js';
import type { ViewDefs } from '../sql/views-in-query.js';
import { FIRST_USER_OID, type CatalogRelation } from './model.js';
import { INFORMATION_SCHEMA_COLUMNS } from './info-columns.js';
import { PG_CATALOG_COLUMNS } from './pg-columns.js';
import { CATALOG_RELATION_OIDS } from './relation-oids.js';
import { oidOfDuckType } from './types.js';

/** What the emulation needs of the telemetry views (server/views.ts ViewsContext has this shape). */
export interface TelemetryViews {
  defs: ViewDefs;
  lakehouse: { emptyRelationSql(viewSet: string): string };
}

/** Column names and DuckDB types of a relation given as SQL (DuckDB prepares it). */
export type DescribeSql = (sql: string) => Promise<{ name: string; type: DuckDBType }[]>;

/**
 * Every relation the emulated catalog lists: the telemetry views in schema
 * `public` (one per view set of `views.defs`, columns from the view's empty
 * relation, PostgreSQL types from src/pgtypes), then the emulated
 * pg_catalog and information_schema relations themselves. Adding a view set
 * to the ViewDefs is all it takes for it to appear in every listing.
 */
export async function catalogRelations(views: TelemetryViews | null, describe: DescribeSql): Promise<CatalogRelation[]> {
  const out: CatalogRelation[] = [];
  const names = views ? [...views.defs.keys()].sort() : [];
  for (const [i, name] of names.entries()) {
    const cols = await describe(views!.lakehouse.emptyRelationSql(name));
    out.push({
      oid: FIRST_USER_OID + i,
      schema: 'public',
      name,
      kind: 'v',
      columns: cols.map((c) => {
        const t = pgTypeOf(c.type);
        return { name: c.name, typeOid: t.oid, typmod: t.typmod };
      }),
      definition: ` -- ${name}: a Sirius telemetry view, materialized from the data lake (docs/views.md)`,
    });
  }
  return out.concat(emulatedRelations());
}

/** The pg_catalog and information_schema relations of the emulation, with PostgreSQL's OIDs. */
export function emulatedRelations(): CatalogRelation[] {
  const out: CatalogRelation[] = [];
  for (const columns of [PG_CATALOG_COLUMNS, INFORMATION_SCHEMA_COLUMNS]) {
    for (const [name, cols] of Object.entries(columns)) {
      const [oid, schema, kind] = CATALOG_RELATION_OIDS[name];
      out.push({
        oid,
        schema,
        name,
        kind,
        columns: cols.map(([col, type]) => ({ name: col, typeOid: oidOfDuckType(type), typmod: -1 })),
        definition: null,
      });
    }
  }
  return out;
}
