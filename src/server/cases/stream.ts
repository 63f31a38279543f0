import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../access/permissions.ts';
import { openEventStream } from '../http/sse.ts';
import { departmentBound } from './core.ts';
import { pathWithin, type CaseChange, type CaseEventBus } from './event-bus.ts';

/** Whether a viewer may see a case change: inside their scope, and for handlers only their unit's cases. */
export function caseChangeVisibleTo(actor: Actor): (c: CaseChange) => boolean {
  const department = departmentBound(actor);
  return (c) => pathWithin(c.areaPath, actor.scopePath) && (department === null || c.department === department || c.coDepartments.includes(department));
}

/** The change as a viewer receives it: the area path used for filtering never leaves the server. */
export function publicChange(c: CaseChange): Omit<CaseChange, 'areaPath'> {
  const { areaPath: _hidden, ...data } = c;
  return data;
}

/** Server-sent events of the case changes the viewer may see. */
export function streamCaseChanges(req: FastifyRequest, reply: FastifyReply, bus: CaseEventBus, actor: Actor): void {
  const visible = caseChangeVisibleTo(actor);
  openEventStream(req, reply, (stream) => [bus.subscribe((c) => visible(c) && stream.send('case', publicChange(c)))]);
}
