import type { FastifyReply, FastifyRequest } from 'fastify';

/** A comment line every so often keeps proxies from closing an idle feed. */
const HEARTBEAT_MS = 25_000;

export interface EventStream {
  send(event: string, data: unknown): void;
}

/**
 * Opens a server-sent-events response and keeps it alive. `subscribe` wires the feed's sources and returns
 * what to undo when the client goes away, so every feed cleans up the same way.
 */
export function openEventStream(req: FastifyRequest, reply: FastifyReply, subscribe: (stream: EventStream) => Array<() => void>): void {
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
  const unsubscribes = subscribe({ send: (event, data) => void res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`) });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(heartbeat);
    for (const u of unsubscribes) u();
  };
  req.raw.on('close', stop);
  res.on('close', stop);
}
