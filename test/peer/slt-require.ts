/**
 * `require X` as DuckDB's SQLLogicTestRunner::CheckRequire answers it for a Linux x86-64
 * release build of DuckDB 1.5 with the extensions that @duckdb/node-api bundles.
 */

/** Extensions statically linked into the DuckDB that Sirius runs. */
const BUILT_IN_EXTENSIONS = new Set(['icu', 'json', 'parquet', 'core_functions']);

/** DuckDB's STANDARD_VECTOR_SIZE of release builds. */
const STANDARD_VECTOR_SIZE = 2048;

/** Conditions that hold on this build (glibc, 64-bit Linux, x87 long double, no debug verifiers). */
const PRESENT_FLAGS = new Set([
  'notmusl', 'notmingw', 'notwindows', 'longdouble', '64bit', 'noforcestorage', 'nothreadsan', 'strinline',
  'skip_reload', 'no_alternative_verify', 'no_block_verification', 'no_vector_verification',
  'no_extension_autoloading',
]);
const MISSING_FLAGS = new Set(['mingw', 'windows']);

export type RequireAnswer = { present: true } | { present: false; reason: string };

export function checkRequire(params: string[]): RequireAnswer {
  if (params.length < 1) throw new Error('require requires a single parameter');
  const what = params[0].toLowerCase();
  if (PRESENT_FLAGS.has(what)) return { present: true };
  if (MISSING_FLAGS.has(what)) return { present: false, reason: `require ${what}: not this platform` };
  if (what === 'vector_size') return Number(params[1]) <= STANDARD_VECTOR_SIZE ? { present: true } : { present: false, reason: 'require vector_size' };
  if (what === 'exact_vector_size') return Number(params[1]) === STANDARD_VECTOR_SIZE ? { present: true } : { present: false, reason: 'require exact_vector_size' };
  if (what === 'ram' || what === 'disk_space' || what === 'block_size') {
    return { present: false, reason: `require ${what}: host resources are not the wire's business` };
  }
  if (BUILT_IN_EXTENSIONS.has(what)) return { present: true };
  return { present: false, reason: `require ${what}: extension not built into Sirius's DuckDB` };
}
