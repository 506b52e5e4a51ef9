/**
 * Applications (seed 001, "records"): a per-tenant registry of the applications that send audit
 * records, with display fields and the number of distinct `params` keys seen for each.
 */

/** Application keys as the records page documents them: 1..64 characters, `^[a-z][a-z0-9_]*$`. */
export const APPLICATION_KEY_PATTERN = '^[a-z][a-z0-9_]*$';
export const APPLICATION_LIMITS = {
  keyLength: 64,
  nameLength: 256,
  descriptionLength: 2048,
} as const;
/** CSS hex colours: #rgb or #rrggbb. */
export const ACCENT_COLOR_PATTERN = '^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$';

/** The application records without application_id or application_key belong to. */
export const DEFAULT_APPLICATION_KEY = 'default';

export interface Application {
  id: string;
  tenantId: string;
  key: string;
  name: string;
  description: string | null;
  accentColor: string | null;
  /** Distinct `params` keys seen on records of this application. */
  paramCount: number;
  createdAt: string;
  updatedAt: string;
}

/** An application as written: everything but the derived param count. */
export type ApplicationRecord = Omit<Application, 'paramCount'>;

/** Fields a client may change; undefined keeps the current value, null clears it. */
export interface ApplicationChanges {
  name?: string;
  description?: string | null;
  accentColor?: string | null;
}
