import type { Db } from '../db/database.ts';

/** What a live feed sees of a change: no reporter, no text, only what a map or a queue view needs. */
export interface CaseChange {
  code: string;
  action: string;
  from: string | null;
  state: string;
  at: string;
  category: string | null;
  gridCode: string | null;
  /** ltree path used to filter by the viewer's scope; not sent to clients */
  areaPath: string;
  department: string | null;
  coDepartments: string[];
  supervision: string;
  urgent: boolean;
}

/**
 * Fan-out of case changes to live feeds. In-process today; behind this interface so a PostgreSQL LISTEN/NOTIFY
 * (or broker) bus can replace it when several API nodes run.
 */
export interface CaseEventBus {
  publish(change: CaseChange): void;
  subscribe(listener: (change: CaseChange) => void): () => void;
}

export function createInProcessBus(): CaseEventBus {
  const listeners = new Set<(change: CaseChange) => void>();
  return {
    publish(change) {
      for (const l of listeners) {
        try {
          l(change);
        } catch {
          // one broken subscriber must not stop the others or the write that published
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

// One bus per database handle, so the HTTP app and the background sweeper of one process share it.
const buses = new WeakMap<Db, CaseEventBus>();

export function busFor(db: Db): CaseEventBus {
  let bus = buses.get(db);
  if (!bus) {
    bus = createInProcessBus();
    buses.set(db, bus);
  }
  return bus;
}

/** `a.b.c` lies within scope `a.b` (ltree `<@` semantics on dotted labels). */
export const pathWithin = (path: string, scope: string) => path === scope || path.startsWith(`${scope}.`);
