import type { AlarmRow } from './alarms/store.ts';

/** What the live feed (SSE) carries about an alarm: enough for a map and a list, nothing secret. */
export interface AlarmEvent {
  kind: 'alarm';
  action: 'raised' | 'acknowledged' | 'cleared' | 'escalated' | 'case_linked';
  id: string;
  deviceId: string;
  type: string;
  severity: string;
  status: string;
  gridCode: string | null;
  h3: string | null;
  lon: number | null;
  lat: number | null;
  value: number | null;
  caseCode: string | null;
  at: string;
  /** for scope filtering; not sent to clients */
  areaPath: string;
}

export const alarmEvent = (a: AlarmRow, action: AlarmEvent['action'], at: Date): AlarmEvent => ({
  kind: 'alarm',
  action,
  id: a.id,
  deviceId: a.device_id,
  type: a.type,
  severity: a.severity,
  status: a.status,
  gridCode: a.grid_code,
  h3: a.h3,
  lon: a.lon,
  lat: a.lat,
  value: a.last_value,
  caseCode: a.case_code,
  at: at.toISOString(),
  areaPath: a.area_path,
});

/** In-process fan-out of alarm events to SSE clients; one slow or broken listener never stops the others. */
export class BrainEvents {
  private readonly listeners = new Set<(e: AlarmEvent) => void>();

  publish(e: AlarmEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is its own problem
      }
    }
  }

  subscribe(listener: (e: AlarmEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
