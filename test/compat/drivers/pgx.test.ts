import { differentialSuite, runProgram, TELEMETRY, TYPE_CHECKS } from './harness.js';
import { buildGo } from './go.js';

/**
 * pgx v4 (Debian golang-github-jackc-pgx-v4-dev — bookworm packages no pgx v5): binary results over
 * the extended protocol, text over the simple protocol, prepared statements, batches.
 */
let binary: Promise<string> | undefined;
differentialSuite('pgx v4', [
  'connect', ...TYPE_CHECKS, ...TYPE_CHECKS.map((c) => `simple protocol ${c}`), 'parameters', 'prepared statement', 'batch',
  'error then next query', 'failed transaction and rollback', 'pool reset statements', 'introspection: pgx v5 LoadType statements',
], TELEMETRY, async (t) => runProgram(await (binary ??= buildGo('pgx', ['pgx_checks.go', 'common.go'])), [], t));
