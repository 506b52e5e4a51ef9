#!/usr/bin/env node
/** The `trailkeep` command: serve, and offline administration of the data directory. */
import { Command } from 'commander';
import { ConfigError } from '../config/config.js';
import { registerAdminCommands } from './admin.commands.js';
import { registerEvidenceCommands } from './evidence.commands.js';
import { configFrom, dataDirOption, type Flags } from './options.js';
import { startServer } from '../server.js';

async function serve(flags: Flags): Promise<void> {
  const server = await startServer(configFrom(flags));
  let signalled = false;
  const stop = (signal: string): void => {
    if (signalled) return;
    signalled = true;
    server.app.log.info({ signal }, 'shutting down: finishing acknowledged writes');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

const program = new Command('trailkeep').description('Tamper-evident audit-log service').showHelpAfterError();

program
  .command('serve')
  .description('run the HTTP server')
  .option('--host <host>', 'address to listen on (env TRAILKEEP_HOST, default 127.0.0.1)')
  .option('--port <port>', 'port (env TRAILKEEP_PORT, default 8080)')
  .addOption(dataDirOption())
  .option('--log-origin <host>', 'host naming the logs (env TRAILKEEP_LOG_ORIGIN)')
  .option('--log-level <level>', 'log level (env TRAILKEEP_LOG_LEVEL)')
  .action((flags: Flags) => serve(flags));

registerAdminCommands(program);
registerEvidenceCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else if (error instanceof Error && 'code' in error && String(error.code).startsWith('TK_ERR_')) {
    console.error(`${String(error.code)}: ${error.message}`);
    // An internal error's message is generic on purpose (clients see it); an operator at the
    // terminal needs the native error behind it.
    if (error.cause !== undefined) console.error(error.cause);
  } else console.error(error);
  process.exit(1);
});
