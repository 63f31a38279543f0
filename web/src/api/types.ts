/**
 * Response shapes, taken from the server's zod schemas where those files stand alone (type-only imports:
 * nothing of the server is bundled), so a renamed field breaks `npm run typecheck` instead of a screen.
 */
import type { z } from 'zod';
import type { meResponse } from '../../../src/server/auth/schema.ts';
import type { cityInfo, locateResult } from '../../../src/server/geo/schema.ts';
import type { department } from '../../../src/server/org/schema.ts';
import type { component, house, organisation, person } from '../../../src/server/registry/schema.ts';
import type { uiConfig } from '../../../src/server/web/schema.ts';

export type { CaseDetail, CaseSummary, IntakeResult, PublicCase } from './case-types.ts';

export type Me = z.infer<typeof meResponse>;
export type UiConfig = z.infer<typeof uiConfig>;
export type Department = z.infer<typeof department>;
export type CityInfo = z.infer<typeof cityInfo>;
export type Located = z.infer<typeof locateResult>;
export type RegistryComponent = z.infer<typeof component>;
export type RegistryPerson = z.infer<typeof person>;
export type RegistryHouse = z.infer<typeof house>;
export type RegistryOrganisation = z.infer<typeof organisation>;

/** GET /api/v1/notifications items (restated: src/server/cases/schema.ts pulls in the case workflow). */
export interface Notification {
  id: number;
  kind: string;
  title: string;
  body: string;
  caseCode: string | null;
  read: boolean;
  createdAt: string;
}

/** GET /api/v1/taxonomy (src/server/taxonomy/routes.ts declares it inline, so it is restated here). */
export interface TaxonomyCategory {
  code: string;
  zh: string;
  en: string;
  group: string;
  groupZh: string;
  department: string;
  deadlineHours: number;
  workingTime: boolean;
  urgent: boolean;
}
export interface Taxonomy {
  categories: TaxonomyCategory[];
  natures: { code: string; zh: string; en: string }[];
}

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
}

/** GET /api/v1/imports/{id} (the registry declares the schema unexported in import-routes.ts, so it is restated). */
export interface ImportJob {
  id: string;
  type: 'people' | 'houses' | 'organisations' | 'components' | 'grids';
  filename: string;
  format: 'csv' | 'xlsx' | 'geojson';
  state: 'validating' | 'importing' | 'done' | 'failed';
  totalRows: number;
  processedRows: number;
  importedRows: number;
  errorCount: number;
  errors: { row: number; column: string; reason: string }[];
  message: string;
  actor: string;
  createdAt: string;
  finishedAt: string | null;
}
