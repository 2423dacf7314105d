import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DRIVERS_DIR } from './harness.js';

/** Debian's libpostgresql-jdbc-java. */
export const PGJDBC_JAR = '/usr/share/java/postgresql.jar';

let compiled: Promise<string> | undefined;

/** Compiles java/*.java once per test process against pgjdbc; returns the class path to run them with. */
export function javaClassPath(): Promise<string> {
  compiled ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), 'sirius-java-drivers-'));
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
    await promisify(execFile)('javac', ['-cp', PGJDBC_JAR, '-d', out, 'java/Checks.java', 'java/DriverChecks.java', 'java/MetabaseSync.java', 'java/MetabaseQueries.java'], { cwd: DRIVERS_DIR, timeout: 180_000 });
    return `${out}:${PGJDBC_JAR}`;
  })();
  return compiled;
}
