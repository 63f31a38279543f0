import { systemActor, type Actor } from '../../access/permissions.ts';
import { DUPLICATE_RADIUS_M } from '../../cases/intake.ts';
import type { CaseService } from '../../cases/service.ts';
import { openStates } from '../../../../shared/cases/state-machine.ts';
import type { CaseEventTable } from '../../cases/store.ts';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { AlarmRow } from './store.ts';
import type { BrainCaseReads } from './case-store.ts';

export interface AlarmCaseContext {
  category: string;
  ruleName: string;
  deviceName: string;
  deviceTypeZh: string;
  unit: string;
}

export interface CaseLinkResult {
  caseId: string;
  caseCode: string;
  link: 'opened' | 'linked';
}

/**
 * Where alarms become cases (告警转工单). An interface, so the brain does not depend on how the case
 * capability is wired, and a deployment without cases still ingests and alarms.
 */
export interface AlarmCaseSink {
  open(alarm: AlarmRow, ctx: AlarmCaseContext): Promise<CaseLinkResult>;
  /** links the alarm to a case the person can see (告警关联工单), noted on the case; 404 when not visible */
  linkExisting(actor: Actor, alarm: AlarmRow, caseCode: string): Promise<CaseLinkResult>;
  /** records on the case that the alarm cleared (the water receded), for the handler and the checker */
  noteCleared(alarm: AlarmRow): Promise<void>;
}

/** An open case of the same category this recent and this close is the same incident: link, don't open another. */
export const ALARM_DEDUPE_WINDOW_MS = 24 * 3_600_000;

/**
 * The sink over the case service: dedupe against open cases nearby, else the normal intake (channel iot),
 * then 立案 and 派遣 by the dispatch catalogue, because a sensor reading needs no call-back to verify.
 */
export function caseSinkFromService(deps: Deps, cases: CaseService, reads: BrainCaseReads, cityPath: () => Promise<string>): AlarmCaseSink {
  const { db, clock, logger } = deps;
  const actor = async (): Promise<Actor> => systemActor(await cityPath(), 'brain');

  // The case service has no free "note" action yet; alarm notes are events that leave the state unchanged.
  async function note(c: { id: string; code: string; state: string }, action: string, payload: Record<string, unknown>, reason: string) {
    const a = await actor();
    await db.transaction().execute((tx) =>
      cases.core.recordEvent(tx, c, a, { action: action as CaseEventTable['action'], from: c.state as never, to: c.state as never, reason, payload }),
    );
  }

  return {
    async open(alarm, ctx) {
      const ref = `alarm:${alarm.id}`;
      const earlier = await reads.caseByExternalRef(db, ref);
      if (earlier) return { caseId: earlier.id, caseCode: earlier.code, link: 'opened' };
      const value = alarm.first_value === null ? '' : `，${alarm.metric} = ${alarm.first_value}${ctx.unit}`;
      if (alarm.lon !== null && alarm.lat !== null) {
        const near = await reads.openCaseNear(db, {
          category: ctx.category, lon: alarm.lon, lat: alarm.lat, radiusM: DUPLICATE_RADIUS_M,
          since: new Date(clock.now().getTime() - ALARM_DEDUPE_WINDOW_MS), openStates,
        });
        if (near) {
          await note(near, 'alarm_linked', { alarm: alarm.id, device: alarm.device_id, type: alarm.type, value: alarm.first_value }, `物联感知告警 ${ctx.ruleName}（设备 ${alarm.device_id}）关联到本案`);
          return { caseId: near.id, caseCode: near.code, link: 'linked' };
        }
      }
      const a = await actor();
      const text = `【物联感知告警】${ctx.ruleName}：${ctx.deviceTypeZh}「${ctx.deviceName}」（${alarm.device_id}）${value}。`;
      const { case: created } = await cases.intake(a, {
        channel: 'iot', text, category: ctx.category, nature: 'report',
        ...(alarm.lon !== null && alarm.lat !== null ? { lon: alarm.lon, lat: alarm.lat } : {}),
        externalRef: ref,
      });
      // Filing and dispatch follow the catalogue; if the catalogue cannot place it, the dispatcher does.
      try {
        await cases.act(a, created.code, 'file', {});
        await cases.act(a, created.code, 'dispatch', {});
      } catch (err) {
        logger.warn({ err, case: created.code }, 'alarm case left for the dispatcher: automatic filing or dispatch failed');
      }
      return { caseId: created.id, caseCode: created.code, link: 'opened' };
    },

    async linkExisting(who, alarm, caseCode) {
      const c = await cases.get(who, caseCode);
      if (!openStates.includes(c.state as never)) throw new AppError(409, 'alarm.case_closed', `case ${caseCode} is ${c.state}; link the alarm to an open case`);
      await note(c, 'alarm_linked', { alarm: alarm.id, device: alarm.device_id, type: alarm.type, value: alarm.last_value, by: who.username }, `物联感知告警（设备 ${alarm.device_id}）由 ${who.username} 关联到本案`);
      return { caseId: c.id, caseCode: c.code, link: 'linked' };
    },

    async noteCleared(alarm) {
      if (!alarm.case_id) return;
      const c = await reads.caseById(db, alarm.case_id);
      if (!c) return;
      await note(c, 'alarm_cleared', { alarm: alarm.id, device: alarm.device_id, type: alarm.type, value: alarm.last_value, clearedBy: alarm.cleared_by }, `物联感知告警已解除（${alarm.clear_reason ?? 'cleared'}，设备 ${alarm.device_id}，末次读数 ${alarm.last_value ?? '-'}）`);
    },
  };
}
