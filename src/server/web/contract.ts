import type { z } from 'zod';
import type * as web from '../../../web/src/api/case-types.ts';
import type { caseDetail, caseSummary, intakeResult, notification, publicCase } from '../cases/schema.ts';
import type { Notification } from '../../../web/src/api/types.ts';

/**
 * Compile-time proof that the console's restated case types (web/src/api/case-types.ts) still accept what
 * the case API sends. It is type-checked with the server (`npm run typecheck`), so renaming or retyping a
 * field the console reads fails the build here, not in a browser. Nothing in it runs.
 */
type Fits<Server, Web> = [Server] extends [Web] ? true : false;

export const caseContract: {
  summary: Fits<z.infer<typeof caseSummary>, web.CaseSummary>;
  detail: Fits<z.infer<typeof caseDetail>, web.CaseDetail>;
  intake: Fits<z.infer<typeof intakeResult>, web.IntakeResult>;
  publicView: Fits<z.infer<typeof publicCase>, web.PublicCase>;
  notification: Fits<z.infer<typeof notification>, Notification>;
} = { summary: true, detail: true, intake: true, publicView: true, notification: true };
