/**
 * Version 2, mirroring SQLite's (issue 4, compat surfaces): seed 001's applications registry and
 * the param names seen per application, seed 003's stable per-tenant target type numbers, and
 * the vm_id filter column of seed 002 (with its index; older rows filled from the sealed body).
 */
import type { PgMigration } from '../pg-migrations.js';

const IDENT = 'text COLLATE "C"';

export const APPLICATIONS_MIGRATION: PgMigration = {
  version: 2,
  name: 'applications registry, target type numbers, vm_id filter (compat surfaces, issue 4)',
  sql: `
    CREATE TABLE applications (
      tenant_id ${IDENT} NOT NULL REFERENCES tenants (id),
      key ${IDENT} NOT NULL,
      id ${IDENT} NOT NULL,
      name text NOT NULL,
      description text,
      accent_color text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, key)
    );
    CREATE UNIQUE INDEX applications_id ON applications (tenant_id, id);

    CREATE TABLE application_params (
      tenant_id ${IDENT} NOT NULL,
      application_key ${IDENT} NOT NULL,
      name text NOT NULL,
      first_seen_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, application_key, name),
      FOREIGN KEY (tenant_id, application_key) REFERENCES applications (tenant_id, key)
    );

    CREATE TABLE target_types (
      tenant_id ${IDENT} NOT NULL REFERENCES tenants (id),
      type text NOT NULL,
      number integer NOT NULL,
      PRIMARY KEY (tenant_id, type),
      UNIQUE (tenant_id, number)
    );

    ALTER TABLE events ADD COLUMN vm_id ${IDENT};
    -- Free text is stored with backslashes doubled (pg-rows.ts encodeText); U+0000 cannot occur here.
    UPDATE events SET vm_id = replace(sealed_body::json #>> '{context,vm_id}', E'\\\\', E'\\\\\\\\')
      WHERE json_typeof(sealed_body::json #> '{context,vm_id}') = 'string';
    CREATE INDEX events_vm ON events (tenant_id, vm_id, seq) WHERE vm_id IS NOT NULL;
  `,
};
