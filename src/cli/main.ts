#!/usr/bin/env node
import { ConfigError, describeOptions, loadConfig } from '../config/config.js';
import { createLogger } from '../log/log.js';
import { ADMIN_USAGE, runAdmin } from './admin.js';

// Each command loads its modules when it runs: `sirius admin` and `sirius generate` start without
// loading DuckDB and the server.

const USAGE = `usage: sirius <command> [options]

commands:
  serve      start the PostgreSQL wire server, the ingestion service and the maintenance loop (embedded
             default: data under ./data); --roles pgwire,ingest,maintain (any subset) for a scale-out node
  ingest     start the ingestion HTTP service alone
  maintain   run the lakehouse maintenance loop alone (build recent global views, merge closed hours,
             delete retired partition files); --once for a single run
  generate   send synthetic logs, metrics and spans through the SDK (sirius generate --help)
  admin      administer a running server over SQL: status, retention, keep/unkeep, delete-process (sirius admin --help)
  help       show this text

options (each is also an environment variable):
${describeOptions()
  .map((o) => `  ${o.flag.padEnd(22)} ${o.env.padEnd(28)} default: ${o.default || '(empty)'}`)
  .join('\n')}
`;

async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(process.env, argv);
  const log = createLogger(config.logLevel);
  const { startNode, readyLines } = await import('./roles.js');
  const node = await startNode(config, log);
  log.info({ roles: node.roles, catalog: node.catalog.describe(), objectStore: node.objectStore.describe() }, 'node started');
  process.stderr.write(readyLines(node));
  const stop = async (signal: string): Promise<void> => {
    log.info({ signal }, 'shutting down');
    await node.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

async function maintain(argv: string[]): Promise<void> {
  const once = argv.includes('--once');
  const config = loadConfig(process.env, argv.filter((a) => a !== '--once'));
  const log = createLogger(config.logLevel);
  const { startMaintain } = await import('./maintain.js');
  const service = await startMaintain(config, log, once);
  if (once) {
    const [run] = service.maintenance.history();
    await service.close();
    process.stdout.write(JSON.stringify(run) + '\n');
    if (run.errors.length > 0) process.exitCode = 1;
    return;
  }
  const stop = async (signal: string): Promise<void> => {
    log.info({ signal }, 'shutting down');
    await service.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'ingest': {
      const config = loadConfig(process.env, rest);
      const { runIngest } = await import('./ingest.js');
      return runIngest(config, createLogger(config.logLevel));
    }
    case 'maintain':
      return maintain(rest);
    case 'generate':
      process.exitCode = await (await import('./generate.js')).runGenerate(rest);
      return;
    case 'admin':
      process.exitCode = await runAdmin(rest);
      return;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      throw new ConfigError(`unknown command '${command}'`);
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || (err instanceof Error && err.name === 'ServerConfigError')) {
    process.stderr.write(`sirius: ${(err as Error).message}\n\n`);
    if (err instanceof ConfigError) process.stderr.write(process.argv[2] === 'admin' ? ADMIN_USAGE : USAGE);
    process.exit(2);
  }
  const code = (err as { code?: string }).code;
  if (process.argv[2] === 'admin' && (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT')) {
    process.stderr.write(`sirius admin: cannot connect to the server: ${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`sirius: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
