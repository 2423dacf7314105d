import { asyncEvents } from './async-events.js';
import { blocks } from './blocks.js';
import { logEntries } from './log-entries.js';
import { logStats } from './log-stats.js';
import { measures } from './measures.js';
import { processes } from './processes.js';
import { streams } from './streams.js';
import { threadSpans } from './thread-spans.js';
import type { ViewSetDef } from './view-set.js';

/** Every view set, in the order docs/views.md lists them. */
export const VIEW_SETS: readonly ViewSetDef[] = [processes, streams, blocks, logEntries, measures, threadSpans, asyncEvents, logStats];

const byName = new Map(VIEW_SETS.map((v) => [v.name, v]));

export function findViewSet(name: string): ViewSetDef | undefined {
  return byName.get(name);
}

export function viewSetNames(): string[] {
  return VIEW_SETS.map((v) => v.name);
}

/** A DuckDB identifier, quoted (view columns include "begin", "end" and "streams.tags"). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** SQL of a relation with the view's columns and no rows, for DESCRIBE and for ranges that need no partition. */
export function emptyRelationSql(v: ViewSetDef): string {
  const cols = v.columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`);
  return `SELECT ${cols.join(', ')} WHERE false`;
}

/** Definitions must be self-consistent; checked once at load so a bad edit fails every test at once. */
function checkDefinitions(): void {
  for (const v of VIEW_SETS) {
    const names = v.columns.map((c) => c.name);
    if (new Set(names).size !== names.length) throw new Error(`view set ${v.name}: duplicate column names`);
    if (!names.includes(v.timeColumn)) throw new Error(`view set ${v.name}: time column ${v.timeColumn} is not a column`);
    if (v.instanceKind === null && !v.global) throw new Error(`view set ${v.name}: no global instance and no view instances`);
  }
}

checkDefinitions();
