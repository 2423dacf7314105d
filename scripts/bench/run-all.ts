/**
 * Runs every benchmark in turn and updates docs/benchmarks.md.
 *   npm run build && npm run bench
 * Benchmarks that write their own section are run as they are; the output of
 * the others is recorded verbatim with the command that produced it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { machine, recordSection, ROOT } from './lib.js';

interface Bench {
  file: string;
  args: string[];
  /** Section title when the script does not record itself. */
  title?: string;
}

const BENCHES: Bench[] = [
  { file: 'encode-rows.ts', args: ['5', '--record'] },
  { file: 'wire-stream.ts', args: ['5'] },
  { file: 'roundtrip.ts', args: ['10'] },
  { file: 'sdk-cost.ts', args: [], title: 'SDK cost per event on the calling thread (issue 3)' },
  { file: 'ingest.ts', args: [] },
  { file: 'materialize.ts', args: [] },
  { file: 'lakehouse-overhead.ts', args: [] },
  { file: 'lakehouse-vs-pg.ts', args: [] },
  { file: 'lakehouse-dashboard.ts', args: [] },
];

const only = process.argv.slice(2);
for (const b of BENCHES.filter((x) => only.length === 0 || only.some((o) => x.file.startsWith(o)))) {
  console.log(`\n=== ${b.file} ${b.args.join(' ')}`);
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench', b.file), ...b.args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  process.stdout.write(out);
  if (b.title) {
    const command = `npx tsx scripts/bench/${b.file} ${b.args.join(' ')}`.trim();
    recordSection(b.file.replace(/\.ts$/, ''), `## ${b.title}\n\n\`${command}\`\n\n\`\`\`\n${out.trim()}\n\`\`\`\n\n${machine()}`);
  }
}
