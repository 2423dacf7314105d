import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DRIVERS_DIR } from './harness.js';

/**
 * Builds a Go driver program offline: GOPATH mode against the sources Debian installs under
 * /usr/share/gocode (golang-github-jackc-pgx-v4-dev, golang-github-lib-pq-dev), no module proxy.
 * The build cache is kept in the temporary directory so later runs only link.
 */
export async function buildGo(name: string, files: string[]): Promise<string> {
  const work = join(tmpdir(), 'sirius-go-drivers');
  mkdirSync(join(work, 'gopath'), { recursive: true });
  const out = join(work, `${name}-${process.pid}`);
  process.once('exit', () => rmSync(out, { force: true }));
  await promisify(execFile)('go', ['build', '-o', out, ...files.map((f) => join('go', f))], {
    cwd: DRIVERS_DIR,
    timeout: 300_000,
    env: { ...process.env, GO111MODULE: 'off', GOPATH: `${join(work, 'gopath')}:/usr/share/gocode`, GOPROXY: 'off', GOFLAGS: '', GOCACHE: join(work, 'cache') },
  });
  return out;
}
