import { conflict, invalid, notFound } from '../../errors.ts';
import { openStates } from '../../../../shared/cases/state-machine.ts';
import { requireText, type ActionHandler } from './types.ts';

/** 并单: this case follows an open main case (in the actor's scope) and closes with it. */
export const merge: ActionHandler = async ({ core, actor, c, input, patch, payload }) => {
  const into = requireText(input.into, 'case.merge_target_required', 'name the main case (into)');
  const main = await core.store.findByCode(core.deps.db, into, actor.scopePath);
  if (!main) throw notFound('case', into);
  if (main.id === c.id) throw invalid('case.bad_merge_target', 'a case cannot merge into itself');
  if (!openStates.includes(main.state)) throw conflict('case.bad_merge_target', `case ${main.code} is ${main.state}; merge only into an open case`, { state: main.state });
  patch.merged_into = main.id;
  payload.into = main.code;
};
