/** Tenants, API keys and scopes: the records, not how they are stored. */

export const SCOPES = ['events:write', 'events:read', 'admin'] as const;

/** Tenant ids appear in log origins (`<host>/t/<id>`) and URLs, so they stay path-safe. */
export const TENANT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
export type Scope = (typeof SCOPES)[number];

export interface Tenant {
  id: string;
  name: string;
  parentId: string | null;
  /** Origin of the tenant's log, bound into every entry; fixed at creation (DESIGN §3). */
  logOrigin: string;
  createdAt: string;
}

export interface ApiKeyRecord {
  id: string;
  /** null for an installation-wide admin key. */
  tenantId: string | null;
  name: string;
  /** The first characters of the key, shown in listings so people can tell keys apart. */
  displayPrefix: string;
  /** hex SHA-256 of the whole key; the key itself is never stored. */
  keyHash: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
}

/** Who is calling: resolved from an API key. */
export interface Principal {
  keyId: string;
  tenantId: string | null;
  scopes: readonly Scope[];
}
