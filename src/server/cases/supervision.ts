import { systemActor } from '../access/permissions.ts';
import type { Logger } from 'pino';
import type { CaseCore } from './core.ts';
import { supervisionAt } from './deadlines.ts';
import type { CaseChange } from './event-bus.ts';
import type { NewNotification } from './notifications.ts';

export interface SweepResult {
  yellow: number;
  red: number;
}

/** Rows claimed per transaction: small enough that a sweep never holds many locks for long. */
const BATCH = 200;

/**
 * 督办 sweeper: raises the yellow card at 80 % of the allowed time and the red card when overdue, writes an
 * event and notifies the department and the dispatchers. Several nodes may run it at the same moment:
 * each batch claims its rows with FOR UPDATE SKIP LOCKED, so a card is raised once.
 */
export function createSupervision(core: CaseCore) {
  const { deps, store } = core;
  const { db } = deps;

  async function runSupervisionSweep(now: Date = deps.clock.now()): Promise<SweepResult> {
    const result: SweepResult = { yellow: 0, red: 0 };
    const actor = systemActor(await core.cityPath(), 'supervision-sweeper');
    for (;;) {
      const changes: CaseChange[] = [];
      let changed = 0;
      const claimed = await db.transaction().execute(async (tx) => {
        const rows = await store.claimForSupervision(tx, now, BATCH);
        for (const c of rows) {
          const level = supervisionAt({ dueAt: c.due_at, yellowAt: c.yellow_at, pausedSince: c.paused_since }, c.supervision, now);
          if (level === c.supervision) continue;
          const row = await store.updateIfVersion(tx, c.id, c.version, { supervision: level, updated_at: now });
          if (!row) continue;
          await core.recordEvent(tx, row, actor, {
            action: 'supervise',
            from: c.state,
            to: c.state,
            payload: { level, previous: c.supervision, dueAt: c.due_at?.toISOString() ?? null },
          });
          const title = level === 'red' ? `红牌督办：案件 ${c.code} 已超期` : `黄牌督办：案件 ${c.code} 已用去80%时限`;
          const notices: NewNotification[] = [{ recipient_type: 'role', recipient: 'dispatcher', case_id: c.id, area_path: c.area_path, kind: `case.supervision.${level}`, title, created_at: now }];
          if (c.main_department) notices.push({ recipient_type: 'department', recipient: c.main_department, case_id: c.id, area_path: c.area_path, kind: `case.supervision.${level}`, title, created_at: now });
          await core.notify(tx, notices);
          result[level === 'red' ? 'red' : 'yellow']++;
          changes.push(core.change(row, 'supervise', c.state));
          changed++;
        }
        return rows.length;
      });
      for (const ch of changes) core.bus.publish(ch);
      // a full batch with nothing to raise would be claimed again forever
      if (claimed < BATCH || changed === 0) return result;
    }
  }

  return { runSupervisionSweep };
}

/** Runs the sweep on an interval; a failed round is logged and the next one tries again. */
export function startSupervisionSweeper(sweep: () => Promise<SweepResult>, intervalMs: number, logger: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep()
      .then((r) => {
        if (r.yellow || r.red) logger.info(r, 'supervision cards raised');
      })
      .catch((err: unknown) => logger.error({ err }, 'supervision sweep failed'))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
