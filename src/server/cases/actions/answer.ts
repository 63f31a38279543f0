import { conflict } from '../../errors.ts';
import { requireText, type ActionHandler } from './types.ts';

/** 直接办结: a how-to question answered on the phone, closed without dispatch. */
export const answer: ActionHandler = ({ c, input, patch, now, notice }) => {
  const nature = (patch.nature as string | undefined) ?? c.nature;
  if (nature !== 'consult') throw conflict('case.not_consultation', '直接办结 is for how-to questions (nature consult); file the case for dispatch instead', { nature });
  patch.answer = requireText(input.answer, 'case.answer_required', 'give the answer told to the caller');
  patch.closed_at = now;
  notice('reporter', c.code, 'case.outcome', '您的诉求已办结');
};
