import type { BatchInsertResult, InsertResult } from './catalog.js';
import { CatalogError } from './errors.js';
import type { Outcome } from './group-commit.js';
import { validateBlock, type NewBlock } from './rows.js';

export interface BatchPlan {
  /** Filled in input order; holes are the rows the database decides. */
  results: BatchInsertResult[];
  /** Rows for the database, each block id once. */
  valid: { row: NewBlock; index: number }[];
  /** Later occurrences of an id already in the batch: they share the first one's fate. */
  repeats: { index: number; first: number }[];
}

/**
 * Validates a batch before it reaches the database: an invalid row is rejected
 * alone, and a block id repeated inside the batch goes to the database once.
 */
export function planBatch(rows: NewBlock[]): BatchPlan {
  const plan: BatchPlan = { results: new Array(rows.length), valid: [], repeats: [] };
  const firstSeen = new Map<string, number>();
  rows.forEach((row, index) => {
    try {
      validateBlock(row);
    } catch (err) {
      plan.results[index] = { status: 'rejected', error: err as CatalogError };
      return;
    }
    const first = firstSeen.get(row.block_id);
    if (first === undefined) {
      firstSeen.set(row.block_id, index);
      plan.valid.push({ row, index });
    } else if (rows[first].stream_id === row.stream_id && rows[first].process_id === row.process_id) {
      plan.repeats.push({ index, first });
    } else {
      plan.results[index] = { status: 'rejected', error: new CatalogError('CONFLICT', `block ${row.block_id} appears twice in one batch with different streams`) };
    }
  });
  return plan;
}

/** Once the database has decided: a repeat is a duplicate of a stored first occurrence, or shares its rejection. */
export function finishBatch(plan: BatchPlan): BatchInsertResult[] {
  for (const { index, first } of plan.repeats) {
    const decided = plan.results[first];
    plan.results[index] = decided.status === 'rejected' ? decided : { status: 'duplicate' };
  }
  return plan.results;
}

/** Batch results as group-commit outcomes (a rejected row fails its own caller only). */
export function batchOutcomes(results: BatchInsertResult[]): Outcome<InsertResult>[] {
  return results.map((r) => (r.status === 'rejected' ? { ok: false, error: r.error } : { ok: true, value: r.status }));
}

/** Why a block cannot go into its stream, given the stream's process (undefined: no such stream). */
export function blockProblem(row: NewBlock, streamProcessId: string | undefined): CatalogError | undefined {
  if (streamProcessId === undefined) {
    return new CatalogError('UNKNOWN_STREAM', `stream ${row.stream_id} of block ${row.block_id} is not in the catalog: insert the stream first`);
  }
  if (streamProcessId !== row.process_id) {
    return new CatalogError('CONFLICT', `block ${row.block_id} says process ${row.process_id}, but its stream ${row.stream_id} belongs to process ${streamProcessId}`);
  }
  return undefined;
}

export function blockIdTaken(row: NewBlock, existingStreamId: string): CatalogError {
  return new CatalogError('CONFLICT', `block ${row.block_id} already exists in stream ${existingStreamId}, not ${row.stream_id}`);
}
