/** One item's outcome inside a committed batch. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: Error };

interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: Error) => void;
}

/**
 * Group commit: turns concurrent single-row calls into few transactions. Calls
 * made while a batch commits wait and go together in the next one, so a lone
 * call pays one commit and a burst pays one commit per batch (one fsync on
 * SQLite, one round trip and one clock-lock hold on PostgreSQL). At most one
 * batch is in flight per instance, which is what the catalog's insert clock
 * serializes anyway.
 */
export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly commitBatch: (items: T[]) => Promise<Outcome<R>[]>,
    private readonly maxBatch = 1000,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // setImmediate: calls arriving in the same event-loop turn share the first batch.
      this.running ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  /** Resolves once everything submitted so far has committed or failed. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commitOne(batch);
      }
    } finally {
      this.running = undefined;
    }
  }

  private async commitOne(batch: Pending<T, R>[]): Promise<void> {
    let outcomes: Outcome<R>[];
    try {
      outcomes = await this.commitBatch(batch.map((p) => p.item));
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}
