import { DEBIAN_PYTHON, differentialSuite, PYTHON_ENV, runProgram, TELEMETRY, TYPE_CHECKS } from './harness.js';

/** psycopg2 2.9 (Debian python3-psycopg2): client-side parameter interpolation, text results. */
differentialSuite('psycopg2', [
  'connect', ...TYPE_CHECKS, 'parameters', 'prepared statement (PREPARE/EXECUTE)', 'error then next query',
  'failed transaction and rollback', 'pool reset statements', 'RealDictCursor description',
  'introspection: register_hstore', 'introspection: register_range',
], TELEMETRY, (t) => runProgram(DEBIAN_PYTHON, ['python/psycopg2_checks.py'], t, PYTHON_ENV));
