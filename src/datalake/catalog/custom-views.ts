import type pg from 'pg';
import { CatalogError } from './errors.js';
import type { Micros } from './rows.js';
import type { SqliteStatement } from './sqlite-driver.js';

/**
 * Definitions of user views (migration 6): `CREATE MATERIALIZED VIEW name AS
 * …` over the wire stores one row, shared by every node of the catalog; the
 * lakehouse compiles it (lakehouse/custom-views.ts) and materializes it per
 * partition like a built-in view.
 */
export interface CustomViewRow {
  name: string;
  /** The SELECT as the user wrote it. */
  definition: string;
  created_at: Micros;
}

export interface CustomViewStore {
  /** Every definition, by name. */
  list(): Promise<CustomViewRow[]>;
  /** Adds a definition; CONFLICT when the name is taken. */
  create(name: string, definition: string): Promise<CustomViewRow>;
  /** Removes a definition; false when there was none. */
  drop(name: string): Promise<boolean>;
}

const conflict = (name: string): CatalogError => new CatalogError('CONFLICT', `a view named "${name}" already exists`);

export class SqliteCustomViewStore implements CustomViewStore {
  constructor(private readonly deps: { stmt: (sql: string) => SqliteStatement; guard: <T>(what: string, fn: () => T) => T }) {}

  async list(): Promise<CustomViewRow[]> {
    const rows = this.deps.guard('listCustomViews', () => this.deps.stmt('SELECT name, definition, created_at FROM custom_views ORDER BY name').all() as Record<string, unknown>[]);
    return rows.map((r) => ({ name: String(r.name), definition: String(r.definition), created_at: Number(r.created_at) }));
  }

  async create(name: string, definition: string): Promise<CustomViewRow> {
    const row = { name, definition, created_at: Date.now() * 1000 };
    return this.deps.guard('createCustomView', () => {
      const r = this.deps.stmt('INSERT INTO custom_views (name, definition, created_at) VALUES (@name, @definition, @created_at) ON CONFLICT (name) DO NOTHING').run(row);
      if (r.changes === 0) throw conflict(name);
      return row;
    });
  }

  async drop(name: string): Promise<boolean> {
    return this.deps.guard('dropCustomView', () => this.deps.stmt('DELETE FROM custom_views WHERE name = ?').run(name).changes > 0);
  }
}

type PgQuery = (what: string, sql: string, params?: unknown[]) => Promise<pg.QueryResult>;

export class PgCustomViewStore implements CustomViewStore {
  constructor(
    private readonly s: string,
    private readonly query: PgQuery,
  ) {}

  async list(): Promise<CustomViewRow[]> {
    const r = await this.query('listCustomViews', `SELECT name, definition, (extract(epoch FROM created_at) * 1000000)::int8 AS created_at FROM ${this.s}.custom_views ORDER BY name`);
    return r.rows.map((x: Record<string, unknown>) => ({ name: String(x.name), definition: String(x.definition), created_at: Number(x.created_at) }));
  }

  async create(name: string, definition: string): Promise<CustomViewRow> {
    const r = await this.query(
      'createCustomView',
      `INSERT INTO ${this.s}.custom_views (name, definition) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING
       RETURNING (extract(epoch FROM created_at) * 1000000)::int8 AS created_at`,
      [name, definition],
    );
    if (r.rowCount === 0) throw conflict(name);
    return { name, definition, created_at: Number((r.rows[0] as Record<string, unknown>).created_at) };
  }

  async drop(name: string): Promise<boolean> {
    return ((await this.query('dropCustomView', `DELETE FROM ${this.s}.custom_views WHERE name = $1`, [name])).rowCount ?? 0) > 0;
  }
}
