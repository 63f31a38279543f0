import { assertCan, type Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import { getSetting } from '../../db/settings-store.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import type { Page } from '../../../../shared/paging.ts';
import type { TaxonomyService } from '../../taxonomy/service.ts';
import type { AlarmFilter, AlarmRow, AlarmStore } from './store.ts';
import type { AlarmCaseSink } from './case-link.ts';
import type { DeviceStore } from '../devices/store.ts';
import type { DeviceTypeCatalog } from '../devices/type-catalog.ts';
import { alarmEvent, type BrainEvents } from '../events.ts';
import type { Pipeline } from '../ingest/queue.ts';
import { severities, type RuleEngine } from '../rules/engine.ts';

const nextSeverity = (s: AlarmRow['severity']) => severities[Math.min(severities.indexOf(s) + 1, severities.length - 1)]!;

/**
 * Alarm lifecycle beyond what readings do: acknowledge (确认), clear by hand (解除), escalation (升级) of alarms
 * nobody acknowledged, and the alarm → case worker. Case work runs off the ingestion path, one alarm at a time,
 * from a durable marker (case_link = 'pending'), so a crash between alarm and case is retried, not lost.
 */
export function createAlarmService(
  deps: Deps,
  parts: { alarms: AlarmStore; devices: DeviceStore; events: BrainEvents; engine: RuleEngine; pipeline: () => Pipeline; taxonomy?: Pick<TaxonomyService, 'current'>; sink: () => AlarmCaseSink | null; types: DeviceTypeCatalog },
) {
  const { db, clock, audit, logger } = deps;
  const { alarms, events } = parts;
  const queue: { alarm: AlarmRow; kind: 'open' | 'note' }[] = [];
  let draining: Promise<void> | null = null;

  const record = (tx: typeof db, actor: Actor, action: string, id: string, detail: Record<string, unknown>) =>
    audit.record(tx, clock.now(), actor, action, { type: 'alarm', id: id }, detail);

  async function visible(actor: Actor, id: string): Promise<AlarmRow> {
    const a = /^[0-9a-f-]{36}$/i.test(id) ? await alarms.find(db, id, actor.scopePath) : undefined;
    if (!a) throw notFound('alarm', id);
    return a;
  }

  /** What the case text says about the alarm: rule, device name and type, the metric's unit. */
  async function caseContext(alarm: AlarmRow, category: string, ruleName: string) {
    const device = parts.pipeline().device(alarm.device_id);
    const type = device ? parts.types.get(device.type) : undefined;
    return {
      category,
      ruleName,
      deviceName: (await parts.devices.nameOf(db, alarm.device_id)) ?? alarm.device_id,
      deviceTypeZh: type?.zh ?? '感知设备',
      unit: (type && alarm.metric ? parts.types.metricSpec(type.code, alarm.metric)?.unit : '') ?? '',
    };
  }

  async function openCase(alarm: AlarmRow) {
    const sink = parts.sink();
    if (!sink) return;
    const rule = alarm.rule_id ? await alarms.rule(db, alarm.rule_id) : undefined;
    const category = rule?.case_category;
    // 系统设置 brain.auto_case off: alarms wait for a dispatcher to link or open a case from the workbench
    if (!category || (await getSetting(db, 'brain.auto_case')) === false) {
      await alarms.update(db, alarm.id, { case_link: 'none' });
      return;
    }
    try {
      const res = await sink.open(alarm, await caseContext(alarm, category, rule.name));
      const updated = await db.transaction().execute(async (tx) => {
        const row = await alarms.update(tx, alarm.id, { case_link: res.link, case_id: res.caseId, case_code: res.caseCode, case_error: null });
        await audit.record(tx, clock.now(), { id: null, username: 'brain' }, `alarm.case_${res.link}`, { type: 'alarm', id: alarm.id }, { case: res.caseCode });
        return row!;
      });
      events.publish(alarmEvent(updated, 'case_linked', clock.now()));
      // Cleared while the case was being opened: the case still gets the note.
      if (updated.status === 'cleared') await sink.noteCleared(updated);
    } catch (err) {
      logger.warn({ err, alarm: alarm.id }, 'alarm → case failed; the sweeper retries');
      await alarms.update(db, alarm.id, { case_error: err instanceof Error ? err.message.slice(0, 500) : String(err) });
    }
  }

  async function drain() {
    while (queue.length) {
      const job = queue.shift()!;
      try {
        if (job.kind === 'open') await openCase(job.alarm);
        else await parts.sink()?.noteCleared(job.alarm);
      } catch (err) {
        logger.warn({ err, alarm: job.alarm.id }, 'alarm case note failed');
      }
    }
  }

  function enqueue(alarm: AlarmRow, kind: 'open' | 'note') {
    queue.push({ alarm, kind });
    draining ??= drain().finally(() => (draining = null));
  }

  return {
    /** Pipeline hooks: run after the batch committed. */
    onRaised: (alarm: AlarmRow) => enqueue(alarm, 'open'),
    onCleared: (alarm: AlarmRow) => {
      if (alarm.case_id) enqueue(alarm, 'note');
    },

    /** Waits until queued case work is done (shutdown, and the on-demand sweep). */
    async idle() {
      while (draining) await draining;
    },

    async list(actor: Actor, filter: AlarmFilter, page: number, pageSize: number): Promise<Page<AlarmRow>> {
      assertCan(actor, 'alarm.read');
      const [items, total] = await alarms.list(db, actor.scopePath, filter, page, pageSize);
      return { items, total, page, pageSize };
    },

    get(actor: Actor, id: string) {
      assertCan(actor, 'alarm.read');
      return visible(actor, id);
    },

    /** 确认: someone has seen it and owns it; an acknowledged alarm is not escalated any more. */
    async acknowledge(actor: Actor, id: string, comment?: string): Promise<AlarmRow> {
      assertCan(actor, 'alarm.manage');
      const a = await visible(actor, id);
      if (a.status !== 'active') throw new AppError(409, 'alarm.not_active', `alarm ${id} is ${a.status}; only an active alarm can be acknowledged`, { alarmStatus: a.status });
      const now = clock.now();
      const row = await db.transaction().execute(async (tx) => {
        const r = await alarms.update(tx, id, { status: 'acknowledged', acknowledged_at: now, acknowledged_by: actor.username });
        await record(tx, actor, 'alarm.acknowledge', id, { comment: comment ?? null });
        return r!;
      });
      events.publish(alarmEvent(row, 'acknowledged', now));
      return row;
    },

    /** 解除 by hand (the sensor was serviced, a false alarm). If the condition persists, the next reading raises anew. */
    async clear(actor: Actor, id: string, reason: string): Promise<AlarmRow> {
      assertCan(actor, 'alarm.manage');
      const a = await visible(actor, id);
      if (a.status === 'cleared') throw new AppError(409, 'alarm.already_cleared', `alarm ${id} is already cleared`);
      const now = clock.now();
      const row = await db.transaction().execute(async (tx) => {
        const r = await alarms.update(tx, id, { status: 'cleared', cleared_at: now, cleared_by: actor.username, clear_reason: reason });
        await record(tx, actor, 'alarm.clear', id, { reason });
        return r!;
      });
      const device = parts.pipeline().device(a.device_id);
      if (device) parts.engine.reset(device, a.type);
      events.publish(alarmEvent(row, 'cleared', now));
      if (row.case_id) enqueue(row, 'note');
      return row;
    },

    /**
     * 告警转工单 by hand: link the alarm to an open case the person can see, or open one through the case front
     * door (intake, channel iot) in the rule's category or the one chosen here.
     */
    async linkCase(actor: Actor, id: string, input: { caseCode?: string; category?: string }): Promise<AlarmRow> {
      assertCan(actor, 'alarm.manage');
      const a = await visible(actor, id);
      if (a.case_id || a.case_link === 'pending') throw new AppError(409, 'alarm.already_linked', `alarm ${id} already has a case${a.case_code ? ` (${a.case_code})` : ''}`, { caseCode: a.case_code });
      const sink = parts.sink();
      if (!sink) throw new AppError(503, 'brain.no_cases', 'cases are not available on this server');
      let res;
      if (input.caseCode) res = await sink.linkExisting(actor, a, input.caseCode);
      else {
        assertCan(actor, 'case.create');
        const rule = a.rule_id ? await alarms.rule(db, a.rule_id) : undefined;
        const category = input.category ?? rule?.case_category ?? null;
        if (!category) throw invalid('alarm.category_required', 'this alarm\'s rule names no case category: choose one');
        if (parts.taxonomy && !(await parts.taxonomy.current()).category(category)) throw invalid('rule.unknown_category', `category ${category} is not in the taxonomy`);
        res = await sink.open(a, await caseContext(a, category, rule?.name ?? a.type));
      }
      const now = clock.now();
      const row = await db.transaction().execute(async (tx) => {
        const r = await alarms.update(tx, id, { case_link: res.link, case_id: res.caseId, case_code: res.caseCode, case_error: null });
        await record(tx, actor, 'alarm.case_link', id, { case: res.caseCode, link: res.link, chosen: Boolean(input.caseCode) });
        return r!;
      });
      events.publish(alarmEvent(row, 'case_linked', now));
      return row;
    },

    /** 升级: each unacknowledged alarm past its rule's time goes one severity up (critical stays critical). */
    async escalate(): Promise<number> {
      const now = clock.now();
      const raised = await db.transaction().execute(async (tx) => {
        const due = await alarms.dueForEscalation(tx, now);
        const out: AlarmRow[] = [];
        for (const a of due) {
          const severity = nextSeverity(a.severity);
          const r = await alarms.update(tx, a.id, { severity, escalation_level: a.escalation_level + 1, escalated_at: now });
          await audit.record(tx, now, { id: null, username: 'brain' }, 'alarm.escalate', { type: 'alarm', id: a.id }, { from: a.severity, to: severity, level: a.escalation_level + 1 });
          out.push(r!);
        }
        return out;
      });
      for (const r of raised) events.publish(alarmEvent(r, 'escalated', now));
      return raised.length;
    },

    /** Retries alarms whose case is still pending (after a restart, or when the case service failed). */
    async retryPendingCases(): Promise<number> {
      if (!parts.sink()) return 0;
      const pending = await alarms.pendingCases(db, 100);
      const queuedIds = new Set(queue.map((j) => j.alarm.id));
      for (const a of pending) if (!queuedIds.has(a.id)) enqueue(a, 'open');
      await this.idle();
      return pending.length;
    },
  };
}

export type AlarmService = ReturnType<typeof createAlarmService>;
