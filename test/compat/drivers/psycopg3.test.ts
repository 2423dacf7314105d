import { DEBIAN_PYTHON, differentialSuite, PYTHON_ENV, runProgram, TELEMETRY, TYPE_CHECKS } from './harness.js';

/** psycopg 3.1 (Debian python3-psycopg): server-side binding, text and binary results, pipeline, TypeInfo. */
differentialSuite('psycopg 3', [
  'connect', ...TYPE_CHECKS, ...TYPE_CHECKS.map((c) => `binary ${c}`), 'parameters', 'prepared statement (prepare=True)',
  'pipeline mode', 'error then next query', 'failed transaction and rollback', 'server-side cursor', 'pool reset statements',
  'introspection: TypeInfo uuid', 'introspection: TypeInfo int4[]', 'introspection: TypeInfo missing type',
  'introspection: RangeInfo int4range',
], TELEMETRY, (t) => runProgram(DEBIAN_PYTHON, ['python/psycopg3_checks.py'], t, PYTHON_ENV));
