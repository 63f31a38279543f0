/**
 * GET /api/v1/brain/dashboard and /brain/hotspots (the brain declares them as open records, so the fields the
 * overview reads are restated here) and the pure shaping the charts need.
 */
export interface Dashboard {
  at: string;
  cases: {
    open: number;
    overdue: number;
    byState: { state: string; n: number }[];
    byCategory: { category: string | null; n: number }[];
    byArea: { code: string; name: string | null; n: number }[];
  };
  alarms: { active: number; unacknowledged: number; bySeverity: Record<string, number> };
  devices: { total: number; online: number; onlineRate: number | null; byType: { type: string; name: string; total: number; online: number }[] };
}

export interface Hotspots {
  window: string;
  res: number;
  cells: { h3: string; center: [number, number]; cases: number; alarms: number; total: number }[];
}

/** Counts in a fixed order (every open state, zero when absent), so bars do not jump between refreshes. */
export function countsInOrder(rows: readonly { state: string; n: number }[], order: readonly string[]): number[] {
  const m = new Map(rows.map((r) => [r.state, r.n]));
  return order.map((s) => m.get(s) ?? 0);
}

/** Hotspot colour: share of the busiest cell, in four steps from amber to dark red. */
export function hotspotColor(total: number, max: number): string {
  const r = max > 0 ? total / max : 0;
  return r > 0.75 ? '#8b0000' : r > 0.5 ? '#c0392b' : r > 0.25 ? '#e67e22' : '#f5b041';
}
