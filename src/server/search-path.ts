import type { EngineSession } from '../engine/engine.js';
import { INFO_SCHEMA, lit, PG_SCHEMA } from '../pgcatalog/model.js';
import { splitIdentifierList } from '../sql/settings-values.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

/**
 * The session's search_path (a PostgreSQL setting) as DuckDB's search_path on the session's connection.
 * https://www.postgresql.org/docs/15/ddl-schemas.html#DDL-SCHEMAS-PATH
 *
 * - `public` is the session catalog's `main`; any other name is a schema of the session catalog.
 * - PostgreSQL accepts schemas that do not exist; DuckDB's SET refuses them, so they are left out and
 *   the path is worked out again at the next sync after a statement changed anything (CREATE SCHEMA).
 * - DuckDB creates unqualified objects in its path's first entry and takes its catalog as the default
 *   one (what `main.t`, the rewrite of `public.t`, resolves in): the first entry is always a schema of
 *   the session catalog, so pg_catalog (sirius_pg.pg, DuckDB-wide) comes after the session's schemas,
 *   even where PostgreSQL searches it first; and when no listed schema exists `main` stands in (where
 *   PostgreSQL would find no schema to create in, 3F000).
 * - `"$user"` names no schema (Sirius has no per-user schemas); `pg_temp` is left to DuckDB, which
 *   always searches its temp catalog first.
 */
export interface SearchPathPlan {
  /** The value for DuckDB's `SET search_path`. */
  duckdb: string;
  /** PostgreSQL's names of the schemas searched, in order, as current_schemas(false) lists them. */
  schemas: string[];
}

/** Entries that never need a look-up in the session catalog. */
const FIXED = new Set(['$user', 'public', 'pg_catalog', 'information_schema', 'pg_temp']);

/** The DuckDB entries of the emulated schemas, by PostgreSQL name. */
const EMULATED: Readonly<Record<string, string>> = { pg_catalog: PG_SCHEMA, information_schema: INFO_SCHEMA };

/**
 * The plan for a search_path value. `existing` maps each schema of the session catalog, in lower
 * case, to its name (DuckDB matches schema names without regard to case).
 */
export function planSearchPath(value: string, scratchCatalog: string, existing: ReadonlyMap<string, string>): SearchPathPlan {
  const own: string[] = [];
  const emulated: string[] = [];
  const schemas: string[] = [];
  for (const name of parseSearchPath(value)) {
    if (name === '$user' || /^pg_temp(_\d+)?$/.test(name)) continue;
    const entry = EMULATED[name] ?? (name === 'public' ? `${quote(scratchCatalog)}.main` : ownSchema(scratchCatalog, existing.get(name.toLowerCase())));
    if (!entry || own.includes(entry) || emulated.includes(entry)) continue;
    (EMULATED[name] ? emulated : own).push(entry);
    schemas.push(name);
  }
  if (!emulated.includes(PG_SCHEMA)) emulated.push(PG_SCHEMA);
  if (own.length === 0) own.push(`${quote(scratchCatalog)}.main`);
  return { duckdb: [...own, ...emulated].join(','), schemas };
}

/** The names of a search_path value; 22023 when its list syntax is invalid (SET checks it first). */
export function parseSearchPath(value: string): string[] {
  const names = splitIdentifierList(value);
  if (!names) {
    throw new PgError(SqlState.InvalidParameterValue, `invalid value for parameter "search_path": "${value}"`, { detail: 'List syntax is invalid.' });
  }
  return names;
}

/** True when the value names a schema whose existence must be looked up in the session catalog. */
export function needsLookup(value: string): boolean {
  return parseSearchPath(value).some((n) => !FIXED.has(n) && !/^pg_temp_\d+$/.test(n));
}

function ownSchema(scratchCatalog: string, name: string | undefined): string | undefined {
  return name === undefined ? undefined : `${quote(scratchCatalog)}.${quote(name)}`;
}

/** Names are quoted unless plainly lower case: DuckDB parses its search_path as (catalog.)schema identifiers. */
function quote(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/**
 * Keeps one session's DuckDB search_path in step with its search_path setting. Cheap when nothing
 * changed: a look-up of the session catalog's schemas only when the value names some and a statement
 * may have created or dropped one since the last look.
 */
export class SearchPathSync {
  private value: string | null = null;
  private generation = -1;
  private applied: string | null = null;
  private plan: SearchPathPlan = { duckdb: '', schemas: [] };

  constructor(
    private readonly engine: EngineSession,
    private readonly scratchCatalog: string,
  ) {}

  /** Applies `value` if it (or the schemas it names) changed; the schemas searched, for current_schemas(). */
  async sync(value: string): Promise<readonly string[]> {
    const lookup = needsLookup(value);
    if (value === this.value && (!lookup || this.generation === this.engine.generation)) return this.plan.schemas;
    const plan = planSearchPath(value, this.scratchCatalog, lookup ? await this.schemasOfSession() : new Map());
    if (plan.duckdb !== this.applied) {
      await this.engine.run(`SET search_path = ${lit(plan.duckdb)}`);
      // statements prepared (and cached) on the old path would still resolve names there
      if (this.applied !== null) this.engine.changed();
      this.applied = plan.duckdb;
    }
    this.value = value;
    this.generation = this.engine.generation;
    this.plan = plan;
    return plan.schemas;
  }

  private async schemasOfSession(): Promise<Map<string, string>> {
    const stream = await this.engine.query(`SELECT schema_name FROM duckdb_schemas() WHERE database_name = ${lit(this.scratchCatalog)}`);
    const out = new Map<string, string>();
    for (let c = await stream.next(); c; c = await stream.next()) {
      for (const [name] of c.getRows()) out.set(String(name).toLowerCase(), String(name));
    }
    return out;
  }
}
