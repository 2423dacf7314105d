import { CatalogError } from './errors.js';

/**
 * Numbered schema migrations, the same numbers and names for both catalogs.
 * A migration is never edited once released: a change is a new number.
 *   1 datalake index: insert clock, processes, streams, blocks
 *   2 lakehouse partitions
 *   3 lakehouse planning indexes (blocks by process / stream and insert time)
 *   4 retention and tail sampling (kept processes, policies, pending payload deletions, run history)
 *   5 partition build log (one row per recorded partition, across every node)
 *   6 custom views (user view definitions, shared by every node)
 */
export interface Migration {
  version: number;
  name: string;
  /** Statements, run in order inside the migration transaction. `schema` is already quoted (PostgreSQL) or '' (SQLite). */
  statements: (schema: string) => string[];
}

export function checkKnownVersions(applied: number[], known: Migration[], where: string): void {
  const latest = known[known.length - 1].version;
  const newer = applied.filter((v) => v > latest);
  if (newer.length > 0) {
    throw new CatalogError('SCHEMA', `catalog ${where} has schema version ${Math.max(...newer)}, newer than this Sirius knows (${latest}): upgrade Sirius`);
  }
}
