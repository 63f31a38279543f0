import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../access/permissions.ts';
import { can } from '../access/permissions.ts';
import { departmentBound } from '../cases/core.ts';
import { pathWithin, type CaseEventBus } from '../cases/event-bus.ts';
import type { BrainEvents } from './events.ts';

const HEARTBEAT_MS = 25_000;

/**
 * 实时运行监测 feed: alarms (and case changes, when the viewer may read cases) inside the viewer's area, as
 * server-sent events. The scope path used for filtering never leaves the server.
 */
export function streamLive(req: FastifyRequest, reply: FastifyReply, events: BrainEvents, cases: CaseEventBus | null, actor: Actor): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': req.id,
  });
  res.write(': connected\n\n');
  let seq = 0;
  const send = (event: string, data: unknown) => res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  const stopAlarms = events.subscribe((e) => {
    if (!pathWithin(e.areaPath, actor.scopePath)) return;
    const { areaPath: _hidden, ...data } = e;
    send('alarm', data);
  });
  const department = departmentBound(actor);
  const stopCases =
    cases && can(actor, 'case.read')
      ? cases.subscribe((c) => {
          if (!pathWithin(c.areaPath, actor.scopePath)) return;
          if (department !== null && c.department !== department && !c.coDepartments.includes(department)) return;
          const { areaPath: _hidden, ...data } = c;
          send('case', data);
        })
      : () => {};
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    stopAlarms();
    stopCases();
  };
  req.raw.on('close', stop);
  res.on('close', stop);
}
