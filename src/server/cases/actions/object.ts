import type { ActionHandler } from './types.ts';

/** 退单: the unit says the case is not its own; the objection is recorded and the dispatcher told. */
export const object: ActionHandler = ({ core, actor, c, reason, payload, now, notice, after }) => {
  after((tx) =>
    core.dispatch
      .recordObjection(tx, { case_id: c.id, department_code: c.main_department!, reason: reason!, objected_by: actor.id, objected_by_name: actor.username, objected_at: now })
      .then(() => undefined),
  );
  payload.department = c.main_department;
  notice('role', 'dispatcher', 'case.objected', `案件 ${c.code} 被退单`);
};
