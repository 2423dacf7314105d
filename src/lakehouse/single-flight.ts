import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';
/**
 * One build per partition key at a time inside this process. A caller that
 * needs at least `need` of the source (the freshness key) joins a build that
 * was planned for at least as much; otherwise it waits for that build to end
 * and starts its own, so a query never gets a partition older than what it
 * planned for (freshness keys only grow: blocks are never removed).
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, { planned: number; promise: Promise<T> }>();

  async run(key: string, need: number, build: () => Promise<T>, isEnough: (result: T) => boolean): Promise<T> {
    for (;;) {
      const current = this.inflight.get(key);
      if (!current) return this.start(key, need, build);
      if (current.planned >= need) return current.promise;
      const result = await current.promise.then(
        (r) => r,
        () => undefined,
      );
      if (result !== undefined && isEnough(result)) return result;
    }
  }

  private start(key: string, planned: number, build: () => Promise<T>): Promise<T> {
    const promise = build().finally(() => this.inflight.delete(key));
    this.inflight.set(key, { planned, promise });
    return promise;
  }

  get size(): number {
    return this.inflight.size;
  }
}

/**
 * Where a build of one partition is serialized across processes sharing a
 * catalog. The in-process SingleFlight already covers one node; a PostgreSQL
 * catalog will provide an advisory-lock implementation (DESIGN.md: "a lock in
 * that catalog plays the same role"), used around the build.
 */
export interface BuildLock {
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export const PROCESS_LOCAL_LOCK: BuildLock = { withLock: (_key, fn) => fn() };

/** At most `limit` functions running at once; the others wait in arrival order. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * `work`, unless `signal` aborts first: then a 57014 (the server words it as
 * PostgreSQL does for a cancel or a statement timeout). `work` itself goes on.
 */
export function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  const canceled = (): PgError => new PgError(SqlState.QueryCanceled, 'canceling statement while it waited for partitions to build');
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(canceled());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(canceled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
