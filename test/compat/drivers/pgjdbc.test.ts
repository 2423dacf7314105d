import { differentialSuite, DRIVERS_DIR, runProgram, TELEMETRY, TYPE_CHECKS } from './harness.js';
import { javaClassPath } from './java.js';

/** pgjdbc 42.5 (Debian libpostgresql-jdbc-java) on Java 17: text and binary results, prepared statements, TypeInfoCache. */
differentialSuite('pgjdbc', [
  'connect', ...TYPE_CHECKS.flatMap((c) => [c, `binary ${c}`]), 'parameters', 'server-prepared statement',
  'batch into a temporary table', 'error then next query', 'failed transaction and rollback', 'pool reset statements',
  'introspection: createArrayOf uuid (TypeInfoCache)', 'introspection: getColumnTypeName', 'introspection: getTypeInfo',
], TELEMETRY, async (t) => runProgram('java', ['-cp', await javaClassPath(), 'DriverChecks', DRIVERS_DIR], t));
