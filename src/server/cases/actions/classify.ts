import { conflict, invalid } from '../../errors.ts';
import type { Taxonomy } from '../../taxonomy/taxonomy.ts';
import type { CaseAction } from '../../../../shared/cases/state-machine.ts';
import type { CasePatch, CaseRow } from '../store.ts';
import type { ActInput } from './types.ts';

/**
 * Classification given with an action: category on file/dispatch/redispatch (locked once the clock runs),
 * nature on file/answer, urgency and priority on file. Fields given with any other action are ignored.
 * Returns the category the case has after the action.
 */
export function applyClassification(taxonomy: Pick<Taxonomy, 'category' | 'natures'>, c: CaseRow, action: CaseAction, input: ActInput, patch: CasePatch, payload: Record<string, unknown>): string | null {
  if (input.category !== undefined && ['file', 'dispatch', 'redispatch'].includes(action)) {
    if (!taxonomy.category(input.category)) throw invalid('case.unknown_category', `category ${input.category} is not in the taxonomy`);
    if (c.due_at && input.category !== c.category) throw conflict('case.category_locked', 'the handling clock has started; the category can no longer change');
    patch.category = input.category;
    payload.category = { from: c.category, to: input.category };
    if (taxonomy.category(input.category)!.urgent) patch.urgent = true;
  }
  if (input.nature !== undefined && ['file', 'answer'].includes(action)) {
    if (!taxonomy.natures.some((n) => n.code === input.nature)) throw invalid('case.unknown_nature', `nature ${input.nature} is unknown`);
    patch.nature = input.nature;
  }
  if (input.urgent !== undefined && action === 'file') patch.urgent = input.urgent;
  if (input.priority !== undefined && action === 'file') patch.priority = input.priority;
  return (patch.category as string | undefined) ?? c.category;
}
