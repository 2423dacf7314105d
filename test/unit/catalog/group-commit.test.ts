import { describe, expect, it } from 'vitest';
import { GroupCommit, type Outcome } from '../../../src/datalake/catalog/group-commit.js';

/** A commit function that records its batches and takes `ms` per commit, like a transaction with an fsync. */
function recorder(ms: number, decide: (n: number) => Outcome<string> = (n) => ({ ok: true, value: `v${n}` })) {
  const batches: number[][] = [];
  const commit = async (items: number[]): Promise<Outcome<string>[]> => {
    batches.push(items);
    await new Promise((r) => setTimeout(r, ms));
    return items.map(decide);
  };
  return { batches, commit };
}

describe('GroupCommit', () => {
  it('commits calls made in the same turn as one batch, each caller getting its own result', async () => {
    const { batches, commit } = recorder(5);
    const gc = new GroupCommit(commit);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => gc.submit(n)));
    expect(results).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('queues calls made during a commit into the next batch', async () => {
    const { batches, commit } = recorder(30);
    const gc = new GroupCommit(commit);
    const first = gc.submit(1);
    await new Promise((r) => setTimeout(r, 10));
    const later = [gc.submit(2), gc.submit(3)];
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('caps the batch size', async () => {
    const { batches, commit } = recorder(1);
    const gc = new GroupCommit(commit, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => gc.submit(n)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects only the callers whose item failed, and every caller of a batch that failed as a whole', async () => {
    const { commit } = recorder(1, (n) => (n === 2 ? { ok: false, error: new Error('bad 2') } : { ok: true, value: `v${n}` }));
    const gc = new GroupCommit(commit);
    const settled = await Promise.allSettled([1, 2, 3].map((n) => gc.submit(n)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    const failing = new GroupCommit<number, string>(async () => {
      throw new Error('database down');
    });
    const all = await Promise.allSettled([1, 2].map((n) => failing.submit(n)));
    expect(all).toEqual([
      { status: 'rejected', reason: new Error('database down') },
      { status: 'rejected', reason: new Error('database down') },
    ]);
    await expect(failing.submit(3)).rejects.toThrow('database down');
  });

  it('flush() waits for everything submitted so far', async () => {
    const { batches, commit } = recorder(20);
    const gc = new GroupCommit(commit);
    void gc.submit(1);
    await gc.flush();
    expect(batches).toEqual([[1]]);
    await gc.flush();
  });
});
