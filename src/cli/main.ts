#!/usr/bin/env node
import { ConfigError, describeOptions, loadConfig } from '../config/config.js';
import { createLogger } from '../log/log.js';
import { ServerConfigError } from '../server/server.js';
import { startSirius } from './app.js';
import { runGenerate } from './generate.js';
import { ingestReadyLine, runIngest } from './ingest.js';
import { startMaintain } from './maintain.js';

const USAGE = `usage: sirius <command> [options]

commands:
  serve      start the PostgreSQL wire server and the ingestion service (embedded default: data under ./data)
  ingest     start the ingestion HTTP service alone
  maintain   run the lakehouse maintenance loop alone (build recent global views, merge closed hours,
             delete retired partition files); --once for a single run
  generate   send synthetic logs, metrics and spans through the SDK (sirius generate --help)
  help       show this text

options (each is also an environment variable):
${describeOptions()
  .map((o) => `  ${o.flag.padEnd(22)} ${o.env.padEnd(28)} default: ${o.default || '(empty)'}`)
  .join('\n')}
`;

async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(process.env, argv);
  const log = createLogger(config.logLevel);
  const sirius = await startSirius(config, log);
  process.stderr.write(ingestReadyLine(sirius.ingest.server));
  const { host, port } = sirius.pg.address();
  process.stderr.write(`sirius: ready — psql "host=${host} port=${port} dbname=sirius user=sirius"\n`);
  const stop = async (signal: string): Promise<void> => {
    log.info({ signal }, 'shutting down');
    await sirius.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

async function maintain(argv: string[]): Promise<void> {
  const once = argv.includes('--once');
  const config = loadConfig(process.env, argv.filter((a) => a !== '--once'));
  const log = createLogger(config.logLevel);
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
      return runIngest(config, createLogger(config.logLevel));
    }
    case 'maintain':
      return maintain(rest);
    case 'generate':
      process.exitCode = await runGenerate(rest);
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
  if (err instanceof ConfigError || err instanceof ServerConfigError) {
    process.stderr.write(`sirius: ${err.message}\n\n`);
    if (err instanceof ConfigError) process.stderr.write(USAGE);
    process.exit(2);
  }
  process.stderr.write(`sirius: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
