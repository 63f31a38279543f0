import type { CaseAction } from '../../../../shared/cases/state-machine.ts';
import { answer } from './answer.ts';
import { approveExtension } from './approve-extension.ts';
import { check } from './check.ts';
import { close } from './close.ts';
import { closeNow } from './close-now.ts';
import { denyExtension } from './deny-extension.ts';
import { dispatch } from './dispatch.ts';
import { file } from './file.ts';
import { merge } from './merge.ts';
import { note } from './note.ts';
import { object } from './object.ts';
import { rate } from './rate.ts';
import { report } from './report.ts';
import { requestExtension } from './request-extension.ts';
import { rework } from './rework.ts';
import { urge } from './urge.ts';
import { verify } from './verify.ts';
import type { ActionHandler } from './types.ts';

export type { ActInput, ActionContext, ActionHandler } from './types.ts';

/**
 * What each action does beyond its transition (after Outline's commands/). An action missing here is a bare
 * move in the state machine (file, accept, suspend, resume, …): state, step deadline and clock only.
 */
export const actionHandlers: Partial<Record<CaseAction, ActionHandler>> = {
  file,
  reject: closeNow,
  void: closeNow,
  answer,
  merge,
  dispatch,
  redispatch: dispatch,
  object,
  request_extension: requestExtension,
  approve_extension: approveExtension,
  deny_extension: denyExtension,
  report,
  check,
  rework,
  close,
  note,
  urge,
  verify,
  rate,
};
