/** Applications as the native API shows them. */
import type { Application } from '../../domain/application.js';

export function toApplicationResponse(app: Application) {
  return {
    id: app.id,
    key: app.key,
    name: app.name,
    description: app.description,
    accent_color: app.accentColor,
    param_count: app.paramCount,
    created_at: app.createdAt,
    updated_at: app.updatedAt,
  };
}
