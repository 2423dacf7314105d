import { differentialSuite, runProgram, TELEMETRY, TYPE_CHECKS } from './harness.js';
import { buildGo } from './go.js';

/** lib/pq 1.10 (Debian golang-github-lib-pq-dev) through database/sql: text results, prepared statements, pq.Array. */
let binary: Promise<string> | undefined;
differentialSuite('lib/pq', [
  'connect', ...TYPE_CHECKS, 'parameters', 'prepared statement', 'pq.Array result', 'error then next query',
  'failed transaction and rollback', 'pool reset statements',
], TELEMETRY, async (t) => runProgram(await (binary ??= buildGo('pq', ['pq_checks.go', 'common.go'])), [], t));
