import type { Response } from 'express';

/** The tenant a request acts for ('default' when the bridge runs without API keys). */
export function tenantOf(res: Response): string {
  return (res.locals as { tenantId?: string }).tenantId ?? 'default';
}
