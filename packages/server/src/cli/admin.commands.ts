/** Offline administration: tenants, keys and migrations straight on the data directory. */
import type { Command } from 'commander';
import { CLI_PRINCIPAL } from '../domain/admin-service.js';
import { SCOPES, type Scope } from '../domain/tenancy.js';
import { toKeyResponse, toTenantResponse } from '../http/native/admin.mapper.js';
import { createServices, type Services } from '../services.js';
import { openStore } from '../storage/open-store.js';
import { migrateStorage } from './migrate.js';
import { configFrom, dataDirOption } from './options.js';

async function withServices<T>(flags: { dataDir?: string }, fn: (services: Services) => Promise<T>): Promise<void> {
  const config = configFrom(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir });
  const store = await openStore(config);
  try {
    const result = await fn(createServices(store, config));
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await store.close();
  }
}

function parseScopes(text: string): Scope[] {
  const scopes = text.split(',').map((s) => s.trim());
  for (const s of scopes) {
    if (!(SCOPES as readonly string[]).includes(s)) throw new Error(`unknown scope ${s}; use ${SCOPES.join(', ')}`);
  }
  return scopes as Scope[];
}

export function registerAdminCommands(program: Command): void {
  const tenants = program.command('tenants').description('manage tenants');
  tenants
    .command('create <id>')
    .option('--name <name>', 'display name (default: the id)')
    .option('--parent <id>', 'parent tenant')
    .addOption(dataDirOption())
    .action((id: string, o: { name?: string; parent?: string; dataDir?: string }) =>
      withServices(o, async ({ admin }) =>
        toTenantResponse(
          await admin.createTenant(CLI_PRINCIPAL, { id, name: o.name ?? id, parentId: o.parent ?? null }),
        ),
      ),
    );
  tenants
    .command('list')
    .addOption(dataDirOption())
    .action((o: { dataDir?: string }) =>
      withServices(o, async ({ admin }) => (await admin.listTenants(CLI_PRINCIPAL)).map(toTenantResponse)),
    );

  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .description('create a key and print it once')
    .option('--tenant <id>', 'tenant of the key (omit for an installation admin key)')
    .option('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, 'events:write,events:read')
    .option('--name <name>', 'a label for the key')
    .addOption(dataDirOption())
    .action((o: { tenant?: string; scopes: string; name?: string; dataDir?: string }) =>
      withServices(o, async ({ admin }) => {
        const { record, key } = await admin.createKey(CLI_PRINCIPAL, {
          tenantId: o.tenant ?? null,
          scopes: parseScopes(o.scopes),
          ...(o.name === undefined ? {} : { name: o.name }),
        });
        return { ...toKeyResponse(record), key };
      }),
    );
  keys
    .command('list')
    .option('--tenant <id>', 'only this tenant’s keys')
    .addOption(dataDirOption())
    .action((o: { tenant?: string; dataDir?: string }) =>
      withServices(o, async ({ admin }) => (await admin.listKeys(CLI_PRINCIPAL, o.tenant)).map(toKeyResponse)),
    );
  keys
    .command('revoke <id>')
    .addOption(dataDirOption())
    .action((id: string, o: { dataDir?: string }) =>
      withServices(o, async ({ admin }) => toKeyResponse(await admin.revokeKey(CLI_PRINCIPAL, id))),
    );

  program
    .command('migrate')
    .description('apply pending schema migrations (the server also applies them on start)')
    .addOption(dataDirOption())
    .action(async (o: { dataDir?: string }) => {
      const config = configFrom(o.dataDir === undefined ? {} : { dataDir: o.dataDir });
      console.log(JSON.stringify(await migrateStorage(config), null, 2));
    });
}
