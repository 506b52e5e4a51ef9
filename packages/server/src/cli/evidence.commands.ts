/**
 * `trailkeep export`, `trailkeep verify` and `trailkeep vkey`: evidence bundles written offline
 * from the data directory, and checked offline with nothing but a vkey (docs/VERIFYING.md). The
 * checks themselves are packages/tlog's (verify-evidence.ts), the same code the browser runs.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { assertCheckpointKeyMatches } from '../config/checkpoint-key.js';
import { CLI_PRINCIPAL } from '../domain/admin-service.js';
import { createServices, type Services } from '../services.js';
import { openStore } from '../storage/open-store.js';
import { configFrom, dataDirOption } from './options.js';
import { runVerify } from './verify-bundle.js';

export interface ExportOptions {
  tenant: string;
  out: string;
  from?: number;
  dataDir?: string;
}

export interface ExportSummary {
  tenant: string;
  origin: string;
  treeSize: number;
  events: number;
  firstSequence: number;
  vkey: string;
  out: string;
}

/** Writes a tenant's evidence bundle to `out` with these services, recording the export in the log. */
export async function exportToFile(
  services: Services,
  options: Pick<ExportOptions, 'tenant' | 'out' | 'from'>,
): Promise<ExportSummary> {
  const tenant = await services.admin.getTenant(CLI_PRINCIPAL, options.tenant);
  const bundle = await services.exports.open({
    tenant,
    actor: { type: 'cli', id: `${userInfo().username}@trailkeep-cli` },
    ...(options.from === undefined ? {} : { fromSequence: options.from }),
  });
  const out = createWriteStream(options.out, { mode: 0o600 });
  for await (const line of bundle.lines()) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const { header } = bundle;
  return {
    tenant: tenant.id,
    origin: header.origin,
    treeSize: header.tree_size,
    events: bundle.events,
    firstSequence: header.prefix.size + 1,
    vkey: header.vkey,
    out: options.out,
  };
}

/** `trailkeep export`: opens the data directory's store, exports, and closes everything. */
export async function runExport(options: ExportOptions): Promise<ExportSummary> {
  const config = configFrom(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const store = await openStore(config);
  const services = createServices(store, config);
  try {
    await assertCheckpointKeyMatches(store, services.checkpointKey, services.checkpointKeySource);
    return await exportToFile(services, options);
  } finally {
    await services.sequencer.drain();
    await services.integrator.close();
    await store.close();
  }
}

export function registerEvidenceCommands(program: Command): void {
  program
    .command('export')
    .description('write a tenant’s evidence bundle (its log up to the newest signed checkpoint), offline')
    .requiredOption('--tenant <id>', 'tenant to export')
    .requiredOption('--out <file>', 'bundle file to write (JSON Lines)')
    .option('--from <sequence>', 'first sequence to export (default 1: the whole log)', (v) => Number.parseInt(v, 10))
    .addOption(dataDirOption())
    .action(async (o: ExportOptions) => {
      const s = await runExport(o);
      console.log(
        `Exported sequences ${s.firstSequence}–${s.treeSize} of ${s.origin} (${s.events} events) to ${s.out}`,
      );
      console.log(`Verify it with: trailkeep verify ${s.out} --vkey '${s.vkey}'`);
    });

  program
    .command('verify <bundle>')
    .description('verify an evidence bundle offline; exits 1 on any failure')
    .requiredOption('--vkey <vkey>', 'the log’s verifier key (or a file holding it), from a source you trust')
    .option('--trusted-checkpoint <file>', 'a signed checkpoint of the same log seen earlier')
    .option('--json', 'print the verdict as JSON')
    .option(
      '--threads <n>',
      'worker threads for the per-event checks (default: every core, for bundles over 8 MiB)',
      (v) => Number.parseInt(v, 10),
    )
    .action(
      async (bundle: string, o: { vkey: string; trustedCheckpoint?: string; json?: boolean; threads?: number }) => {
        process.exitCode = await runVerify({ bundle, ...o });
      },
    );

  program
    .command('vkey')
    .description('print the verifier key of a tenant’s log')
    .requiredOption('--tenant <id>', 'tenant')
    .addOption(dataDirOption())
    .action(async (o: { tenant: string; dataDir?: string }) => {
      const config = configFrom(o.dataDir === undefined ? {} : { dataDir: o.dataDir });
      const store = await openStore(config);
      try {
        const services = createServices(store, config);
        const tenant = await services.admin.getTenant(CLI_PRINCIPAL, o.tenant);
        console.log(services.checkpointKey.verifierKey(tenant.logOrigin));
      } finally {
        await store.close();
      }
    });
}
