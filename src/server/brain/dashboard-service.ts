import { cellToLatLng, cellToParent, getResolution } from 'h3-js';
import { assertCan, type Actor } from '../access/permissions.ts';
import { openStates } from '../../../shared/cases/state-machine.ts';
import type { Deps } from '../context.ts';
import type { AlarmStore } from './alarms/store.ts';
import type { BrainCaseReads } from './alarms/case-store.ts';
import type { DeviceStore } from './devices/store.ts';
import type { DeviceTypeCatalog } from './devices/type-catalog.ts';

/** A device heard from within this many of its report intervals counts as online (设备在线). */
export const ONLINE_INTERVALS = 3;

export const windowMs = (w: string) => Number(w.slice(0, -1)) * (w.endsWith('d') ? 86_400_000 : 3_600_000);

/** 城市运行体征: the operations dashboard's KPIs and the H3 hotspot map, both within the viewer's scope. */
export function createDashboardService(deps: Deps, parts: { alarms: AlarmStore; devices: DeviceStore; cases: BrainCaseReads; types: DeviceTypeCatalog }) {
  // read-only: a replica when one is configured (seconds of lag are fine on a dashboard)
  const { readDb: db, clock } = deps;

  return {
    async kpis(actor: Actor) {
      assertCan(actor, 'dashboard.read');
      const now = clock.now();
      // Online cut-off per type: its report interval × 3; one query per distinct interval keeps it simple.
      const types = parts.types.all();
      const intervals = [...new Set(types.map((t) => t.intervalS))];
      const perInterval = await Promise.all(intervals.map((s) => parts.devices.onlineCounts(db, actor.scopePath, new Date(now.getTime() - ONLINE_INTERVALS * s * 1000))));
      const byType = types.map((t) => {
        const row = perInterval[intervals.indexOf(t.intervalS)]!.find((r) => r.type === t.code);
        return { type: t.code, name: t.zh, total: row?.total ?? 0, online: row?.online ?? 0 };
      });
      const total = byType.reduce((s, r) => s + r.total, 0);
      const online = byType.reduce((s, r) => s + r.online, 0);
      const [cases, alarmRows] = await Promise.all([parts.cases.openCaseKpis(db, actor.scopePath, openStates, now), parts.alarms.countsBySeverity(db, actor.scopePath)]);
      const names = await parts.devices.areaNames(db, cases.byArea.map((a) => a.path.split('.').pop()!));
      const bySeverity = { warning: 0, minor: 0, major: 0, critical: 0 } as Record<string, number>;
      let unacknowledged = 0;
      for (const r of alarmRows) {
        bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + r.n;
        if (r.status === 'active') unacknowledged += r.n;
      }
      return {
        at: now.toISOString(),
        cases: {
          open: cases.total,
          overdue: cases.overdue,
          byState: cases.byState,
          byCategory: cases.byCategory,
          byArea: cases.byArea.map((a) => ({ code: a.path.split('.').pop()!, name: names.get(a.path.split('.').pop()!) ?? null, n: a.n })),
        },
        alarms: { active: Object.values(bySeverity).reduce((s, n) => s + n, 0), unacknowledged, bySeverity },
        devices: { total, online, onlineRate: total ? Math.round((online / total) * 1000) / 1000 : null, byType },
      };
    },

    /**
     * 热力图: cases and alarms of the window per H3 cell at the requested resolution (records carry res-9
     * cells; coarser cells are their parents, so the aggregation needs no geometry).
     */
    async hotspots(actor: Actor, window: string, res: number) {
      assertCan(actor, 'dashboard.read');
      const since = new Date(clock.now().getTime() - windowMs(window));
      const [cases, alarms] = await Promise.all([parts.cases.casesPerCell(db, actor.scopePath, since), parts.alarms.perCell(db, actor.scopePath, since)]);
      const cells = new Map<string, { cases: number; alarms: number }>();
      const add = (h3: string, n: number, key: 'cases' | 'alarms') => {
        const cell = getResolution(h3) > res ? cellToParent(h3, res) : h3;
        const c = cells.get(cell) ?? { cases: 0, alarms: 0 };
        c[key] += n;
        cells.set(cell, c);
      };
      for (const c of cases) add(c.h3, c.n, 'cases');
      for (const a of alarms) add(a.h3, a.n, 'alarms');
      const items = [...cells.entries()]
        .map(([h3, c]) => {
          const [lat, lon] = cellToLatLng(h3);
          return { h3, center: [lon, lat] as [number, number], cases: c.cases, alarms: c.alarms, total: c.cases + c.alarms };
        })
        .sort((a, b) => b.total - a.total || a.h3.localeCompare(b.h3));
      return { window, res, since: since.toISOString(), cells: items };
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
