import { DEBIAN_PYTHON, differentialSuite, PYTHON_ENV, runProgram, TELEMETRY, TYPE_CHECKS } from './harness.js';

/** asyncpg 0.27 (Debian python3-asyncpg): binary protocol only, named prepared statements, its type introspection. */
differentialSuite('asyncpg', [
  'connect', ...TYPE_CHECKS, 'parameters', 'prepared statement', 'executemany', 'error then next query',
  'failed transaction and rollback', 'cursor with prefetch', 'pool reset statements',
  'introspection: set_type_codec json', 'introspection: regtype oid',
], TELEMETRY, (t) => runProgram(DEBIAN_PYTHON, ['python/asyncpg_checks.py'], t, PYTHON_ENV));
