import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Actor } from '../access/permissions.ts';
import type { CaseEventBus } from '../cases/event-bus.ts';
import { caseChangeVisibleTo, publicChange } from '../cases/stream.ts';
import { openEventStream } from '../http/sse.ts';
import type { BrainEvents } from './events.ts';
import { alarmVisibleTo } from './policy.ts';

/**
 * 实时运行监测 feed: alarms (and case changes, when the viewer may read cases) inside the viewer's area, as
 * server-sent events. The scope path used for filtering never leaves the server.
 */
export function streamLive(req: FastifyRequest, reply: FastifyReply, events: BrainEvents, cases: CaseEventBus | null, actor: Actor): void {
  const caseVisible = caseChangeVisibleTo(actor);
  openEventStream(req, reply, (stream) => [
    events.subscribe((e) => {
      if (!alarmVisibleTo(actor, e.areaPath)) return;
      const { areaPath: _hidden, ...data } = e;
      stream.send('alarm', data);
    }),
    cases && can(actor, 'case.read') ? cases.subscribe((c) => caseVisible(c) && stream.send('case', publicChange(c))) : () => {},
  ]);
}
