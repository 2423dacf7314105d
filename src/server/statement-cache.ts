import type { PreparedQuery } from './prepare.js';

/**
 * Per-session cache of prepared DuckDB statements by SQL text. Clients repeat
 * the same statements (ORMs, dashboards, pool pings); preparing costs a
 * round trip through DuckDB's planner, so a repeated text reuses the plan.
 * An entry has one owner at a time: take() removes it, give() returns it
 * after use, so a statement in use is never destroyed by eviction. Entries
 * prepared before any change of data, schema or settings (in any session)
 * are not reused: DuckDB can replay a plan built for the old state.
 */
export class StatementCache {
  private readonly entries = new Map<string, PreparedQuery>();

  constructor(private readonly capacity = 64) {}

  static key(sql: string, declared: number[]): string {
    return declared.some((o) => o !== 0) ? `${declared.join(',')}\u0000${sql}` : sql;
  }

  /** The cached statement for key if it was prepared at this generation; a stale one is freed. */
  take(key: string, generation: number): PreparedQuery | undefined {
    const q = this.entries.get(key);
    if (!q) return undefined;
    this.entries.delete(key);
    if (q.generation === generation) return q;
    q.destroy();
    return undefined;
  }

  give(key: string, q: PreparedQuery): void {
    if (this.entries.has(key)) {
      q.destroy();
      return;
    }
    this.entries.set(key, q);
    if (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, PreparedQuery];
      this.entries.delete(oldestKey);
      oldest.destroy();
    }
  }

  clear(): void {
    for (const q of this.entries.values()) q.destroy();
    this.entries.clear();
  }
}
