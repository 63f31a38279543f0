import { invalid } from '../../errors.ts';
import { onSiteGroups } from '../core.ts';
import type { ActionHandler } from './types.ts';

/** 核查: a category seen on site is checked with at least one photo taken at the place. */
export const check: ActionHandler = ({ core, category, evidence }) => {
  const group = category ? core.taxonomy.category(category)?.group : undefined;
  if (group && onSiteGroups.has(group) && evidence.photos === 0) {
    throw invalid('case.photo_required', `category ${category} is checked on site: attach at least one photo taken at the place`);
  }
};
