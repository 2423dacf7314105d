import { createRequire } from 'node:module';

/**
 * The part of better-sqlite3 (v12) the embedded catalog uses, typed here
 * because @types/better-sqlite3 is not a dependency. better-sqlite3 is
 * synchronous: each call blocks the event loop for its duration (a commit
 * with synchronous=FULL is one fsync), which group commit amortizes.
 */
export interface SqliteRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqliteStatement {
  run(...params: unknown[]): SqliteRunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** Return INTEGER columns as bigint (exact 64-bit ticks). */
  safeIntegers(toggle?: boolean): this;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): this;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) & { immediate: (...args: A) => R };
  close(): this;
  readonly open: boolean;
  readonly name: string;
}

/** better-sqlite3's SqliteError: `code` is the extended result code name, e.g. SQLITE_BUSY, SQLITE_CONSTRAINT_FOREIGNKEY. */
export interface SqliteError extends Error {
  code: string;
}

type DatabaseConstructor = new (path: string, options?: { timeout?: number; readonly?: boolean; fileMustExist?: boolean }) => SqliteDatabase;

const Database = createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;

/** `busyTimeoutMs`: how long a writer waits for another connection's write lock before SQLITE_BUSY. */
export function openSqlite(path: string, busyTimeoutMs: number): SqliteDatabase {
  return new Database(path, { timeout: busyTimeoutMs });
}

export function isSqliteError(err: unknown): err is SqliteError {
  return err instanceof Error && typeof (err as SqliteError).code === 'string' && (err as SqliteError).code.startsWith('SQLITE_');
}
