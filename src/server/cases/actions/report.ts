import { requireText, type ActionHandler } from './types.ts';

/** 反馈: the unit reports what it did; the result text is required. */
export const report: ActionHandler = ({ input, patch }) => {
  patch.answer = requireText(input.answer, 'case.result_required', 'describe what was done (the handling result)');
};
