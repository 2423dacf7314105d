/**
 * Runs every benchmark in turn and updates docs/benchmarks.md.
 *   npm run build && npm run bench
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lib.js';

const BENCHES = ['encode-rows.ts', 'wire-stream.ts', 'roundtrip.ts'];

for (const b of BENCHES) {
  console.log(`\n=== ${b}`);
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench', b)], { stdio: 'inherit', cwd: ROOT });
}
