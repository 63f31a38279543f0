import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../access/permissions.ts';
import { departmentBound } from './core.ts';
import { pathWithin, type CaseChange, type CaseEventBus } from './event-bus.ts';

/** A comment line every so often keeps proxies from closing an idle feed. */
const HEARTBEAT_MS = 25_000;

/**
 * Server-sent events of case changes the viewer may see (scope, and department for handlers). The area path
 * used for filtering never leaves the server.
 */
export function streamCaseChanges(req: FastifyRequest, reply: FastifyReply, bus: CaseEventBus, actor: Actor): void {
  const department = departmentBound(actor);
  const visible = (c: CaseChange) => pathWithin(c.areaPath, actor.scopePath) && (department === null || c.department === department || c.coDepartments.includes(department));

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
  const unsubscribe = bus.subscribe((c) => {
    if (!visible(c)) return;
    const { areaPath: _hidden, ...data } = c;
    res.write(`id: ${++seq}\nevent: case\ndata: ${JSON.stringify(data)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.raw.on('close', stop);
  res.on('close', stop);
}
