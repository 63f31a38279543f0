/**
 * Response shapes, inferred from the zod schemas the server validates and serialises with (repo-root
 * `shared/`, type-only imports: nothing is bundled), so a renamed field breaks `npm run typecheck` instead of a
 * screen.
 */
import type { z } from 'zod';
import type { meResponse } from '../../../shared/auth.ts';
import type { caseDetail, caseSummary, intakeResult, notification, publicCase } from '../../../shared/cases/schema.ts';
import type { cityInfo, locateResult } from '../../../shared/geo.ts';
import type { department } from '../../../shared/org.ts';
import type { component, house, importJob, organisation, person } from '../../../shared/registry/schema.ts';
import type { Category, TaxonomyResponse } from '../../../shared/taxonomy.ts';
import type { uiConfig } from '../../../shared/ui-config.ts';

export type Me = z.infer<typeof meResponse>;
export type UiConfig = z.infer<typeof uiConfig>;
export type Department = z.infer<typeof department>;
export type CityInfo = z.infer<typeof cityInfo>;
export type Located = z.infer<typeof locateResult>;
export type RegistryComponent = z.infer<typeof component>;
export type RegistryPerson = z.infer<typeof person>;
export type RegistryHouse = z.infer<typeof house>;
export type RegistryOrganisation = z.infer<typeof organisation>;
export type CaseSummary = z.infer<typeof caseSummary>;
export type CaseDetail = z.infer<typeof caseDetail>;
export type IntakeResult = z.infer<typeof intakeResult>;
export type PublicCase = z.infer<typeof publicCase>;
/** GET /api/v1/notifications items */
export type Notification = z.infer<typeof notification>;
/** GET /api/v1/imports/{id} */
export type ImportJob = z.infer<typeof importJob>;
/** GET /api/v1/taxonomy */
export type TaxonomyCategory = Category;
export type Taxonomy = TaxonomyResponse;

/** POST /api/v1/triage, as PRODUCT.md fixes it. */
export interface TriageResult {
  category: { code: string; name: string; confidence: number };
  department: { code: string; name: string };
  nature: { code: string };
  urgent: boolean;
  alternatives: { code: string; confidence: number }[];
  duplicates: { caseCode: string; score: number }[];
  /** the triage service's own verdict that the category is safe to dispatch without a second look */
  autoDispatch?: boolean;
  /** the confidence from which it says so (calibrated on its test set) */
  threshold?: number;
  /** 自动派单 gate: department confidence against the category's calibrated threshold */
  dispatchGate?: { eligible: boolean; confidence: number; threshold: number; precision: number; coverage: number };
  /** the other matter of a two-problem call */
  secondary?: { code: string; name: string; confidence: number; department: { code: string; name: string }; text: string };
  /** the words that decided the category and why the runner-up lost */
  explanation?: {
    words: { text: string; weight: number }[];
    runnerUp: { code: string; name: string; confidence: number; words: { text: string; weight: number }[]; margin: number };
  };
}
