import { CatalogError } from './errors.js';

/** SQL text and its positional parameters. */
export interface Query {
  sql: string;
  params: unknown[];
}

export function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new CatalogError('INVALID_INPUT', `limit must be a positive integer, got ${limit}`);
  return limit;
}
