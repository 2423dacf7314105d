import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PsqlResult {
  out: string;
  err: string;
  code: number;
}

/** Runs the real psql binary (-X: no psqlrc) against a Sirius test server on `port`; stdout, stderr and exit code. */
export async function runPsql(port: number, ...args: string[]): Promise<PsqlResult> {
  const conn = `host=127.0.0.1 port=${port} dbname=sirius user=psql`;
  try {
    const { stdout, stderr } = await run('psql', [conn, '-X', ...args], { env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
    return { out: stdout, err: stderr, code: 0 };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; code: number };
    return { out: x.stdout, err: x.stderr, code: x.code };
  }
}
