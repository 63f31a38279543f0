import { AckPolicy, connect, DeliverPolicy, headers as natsHeaders, nanos, RetentionPolicy, StorageType, type ConsumerMessages, type JetStreamManager, type JsMsg, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Source } from './evaluate.ts';
import type { Pipeline } from './queue.ts';
import type { SeenStore } from './seen-store.ts';
import { parsePayload } from './validate.ts';

/**
 * 接入集群 ingestion on a NATS cluster. Devices keep speaking MQTT — to NATS's own MQTT listener, or to our
 * embedded broker, which then forwards into NATS (the bridge below) — and every reading lands in one JetStream
 * stream (work-queue retention, R3 on a cluster). Every CivicGrid node pulls from the same durable consumer,
 * so the server hands each message to one node; a node acks a message only after the batch holding it is
 * committed, and a message redelivered after a node wrote it but died before acking is recognised by its
 * stream sequence (seen-store.ts) and acked without being stored twice.
 */

export interface NatsIngestOptions {
  servers: string[];
  stream: string;
  consumer: string;
  /** the stream's subject, one `*` for the device (NATS MQTT maps `civicgrid/devices/x/telemetry` to `civicgrid.devices.x.telemetry`) */
  subject: string;
  replicas: number;
  maxAckPending: number;
  ackWaitMs: number;
}

export const natsOptionsOf = (config: Config): NatsIngestOptions => ({
  servers: (config.NATS_URL ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  stream: config.NATS_STREAM,
  consumer: config.NATS_CONSUMER,
  subject: config.NATS_SUBJECT,
  replicas: config.NATS_REPLICAS,
  maxAckPending: config.NATS_MAX_ACK_PENDING,
  ackWaitMs: config.NATS_ACK_WAIT_SECONDS * 1000,
});

const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;
/** header the bridge sets: when our broker received the reading (epoch ms), its time when the device sent none */
const RECEIVED_HEADER = 'Cg-Received';

/** A device id as a subject token: `.` separates tokens, so it is written `//` (the convention of NATS 2.10's MQTT). */
export const subjectFor = (subject: string, deviceId: string) => subject.replace('*', deviceId.replaceAll('.', '//'));

/** The device a subject names, or null when it names none. */
export function deviceOfSubject(subject: string): (s: string) => string | null {
  // the tokens around the `*`, matched as text (this runs for every reading; splitting made arrays each time)
  const [prefix, suffix] = subject.split('*') as [string, string];
  return (s) => {
    if (s.length <= prefix.length + suffix.length || !s.startsWith(prefix) || !s.endsWith(suffix)) return null;
    const token = s.slice(prefix.length, s.length - suffix.length);
    if (token.includes('.')) return null; // more tokens than the pattern has
    const id = token.includes('/') ? token.replaceAll('//', '.') : token;
    return DEVICE_ID.test(id) ? id : null;
  };
}

export async function connectNats(o: NatsIngestOptions, name: string, logger: Logger): Promise<NatsConnection> {
  const nc = await connect({ servers: o.servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 500, pingInterval: 10_000 });
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect') logger.warn({ status: s.type, server: String(s.data) }, 'NATS connection');
    }
  })();
  return nc;
}

const retriable = (err: unknown) => /no suitable peers|insufficient resources|timeout|leader|unavailable|503|not enough|no responders/i.test(String((err as Error)?.message ?? err));

/**
 * Creates the stream and the durable consumer when missing (every node may; the first one wins). A cluster
 * that has just started may not have elected its JetStream leaders yet, so this retries for a while.
 */
export async function ensureIngestStream(jsm: JetStreamManager, o: NatsIngestOptions, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await jsm.streams.info(o.stream).catch(async (err) => {
        if (!/stream not found/i.test(String(err?.message))) throw err;
        await jsm.streams.add({
          name: o.stream, subjects: [o.subject], retention: RetentionPolicy.Workqueue, storage: StorageType.File, num_replicas: o.replicas,
          // a backlog nobody consumes for a week is dropped rather than filling the disks
          max_age: nanos(7 * 86_400_000), duplicate_window: nanos(120_000),
        });
      });
      await jsm.consumers.info(o.stream, o.consumer).catch(async (err) => {
        if (!/consumer not found/i.test(String(err?.message))) throw err;
        await jsm.consumers.add(o.stream, {
          durable_name: o.consumer, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(o.ackWaitMs),
          max_ack_pending: o.maxAckPending, max_deliver: -1, num_replicas: 0,
        });
      });
      return;
    } catch (err) {
      if (!retriable(err) || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Our embedded broker's telemetry into JetStream. The promise settles when the stream has stored the message,
 * and the embedded broker answers a QoS 1 PUBLISH only then, so a device's retry covers a NATS outage.
 */
export function natsBridge(nc: NatsConnection, o: NatsIngestOptions, clock: Clock) {
  const js = nc.jetstream();
  return async (deviceId: string, payload: Buffer): Promise<void> => {
    const h = natsHeaders();
    h.set(RECEIVED_HEADER, String(clock.now().getTime()));
    await js.publish(subjectFor(o.subject, deviceId), payload, { headers: h, expect: { streamName: o.stream } });
  };
}

/** Acks, naks and terms of a message whose connection may be gone: the server then redelivers what was not acked. */
function safe(f: () => void) {
  try {
    f();
  } catch {
    // nothing to undo here
  }
}

/** A pulled message as the pipeline's source: acked once its batch commits, handed back (nak) when it did not. */
class PulledMessage implements Source {
  readonly seq: number;
  constructor(
    readonly stream: string,
    private readonly m: JsMsg,
    private readonly stats: NatsConsumerStats,
  ) {
    this.seq = m.seq;
  }

  settle(written: boolean) {
    if (written) return safe(() => this.m.ack());
    this.stats.nakked++;
    safe(() => this.m.nak(1000));
  }
}

export interface NatsConsumerStats {
  delivered: number;
  redelivered: number;
  /** redeliveries of messages a committed batch already held: acked, not stored again */
  duplicates: number;
  nakked: number;
}

/**
 * Pulls from the shared durable consumer into the pipeline. Rejected readings are acked at once (they are
 * counted and will not get better); accepted ones when their batch commits; a failed batch or a full queue
 * hands its messages back (nak) for any node to take again.
 */
export async function startNatsConsumer(a: { nc: NatsConnection; o: NatsIngestOptions; pipeline: Pick<Pipeline, 'submit' | 'flush'>; seen: SeenStore; db: Db; clock: Clock; logger: Logger }) {
  const { nc, o, pipeline, seen, db, clock, logger } = a;
  await ensureIngestStream(await nc.jetstreamManager(), o);
  const consumer = await nc.jetstream().consumers.get(o.stream, o.consumer);
  const stats: NatsConsumerStats = { delivered: 0, redelivered: 0, duplicates: 0, nakked: 0 };
  const device = deviceOfSubject(o.subject);

  function take(m: JsMsg) {
    const id = device(m.subject);
    if (!id) return safe(() => m.term());
    const received = Number(m.headers?.get(RECEIVED_HEADER)) || Math.floor(m.info.timestampNanos / 1e6);
    // the payload is read in place (a view, not a copy) and the source is one object: this runs per reading
    const refused = pipeline.submit(id, parsePayload(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength), clock.now().getTime()), new PulledMessage(o.stream, m, stats), received);
    if (!refused) return;
    if (refused.reason === 'overloaded') {
      stats.nakked++;
      safe(() => m.nak(1000));
    } else safe(() => m.ack());
  }

  // redeliveries wait for one lookup of what committed batches already hold, a chunk at a time
  let recheck: JsMsg[] = [];
  let checking: Promise<void> | null = null;
  async function runRecheck() {
    while (recheck.length) {
      const chunk = recheck;
      recheck = [];
      try {
        const done = await seen.seen(db, o.stream, chunk.map((m) => m.seq));
        for (const m of chunk) {
          if (done.has(m.seq)) {
            stats.duplicates++;
            safe(() => m.ack());
          } else take(m);
        }
      } catch (err) {
        logger.warn({ err, messages: chunk.length }, 'could not check redelivered telemetry; handing it back');
        for (const m of chunk) safe(() => m.nak(1000));
      }
    }
  }

  let messages: ConsumerMessages | null = null;
  let closed = false;
  messages = await consumer.consume({
    max_messages: Math.min(5000, o.maxAckPending),
    // a pull waiting at a stream leader that died is noticed by missed heartbeats (half of this) and renewed:
    // 5 s instead of the default 30 s bounds how long a node idles after a NATS server is lost
    expires: 5000,
    callback: (m) => {
      stats.delivered++;
      if (!m.redelivered) return take(m);
      stats.redelivered++;
      recheck.push(m);
      checking ??= runRecheck().finally(() => (checking = null));
    },
  });
  void (async () => {
    for await (const s of await messages!.status()) if (s.type !== 'debug' && s.type !== 'next') logger.debug({ type: s.type, data: s.data }, 'NATS consumer status');
  })().catch(() => {});

  const prune = async () => {
    await seen.prune(db, 24).catch((err) => logger.warn({ err }, 'could not prune ingest_batches'));
  };
  void prune();
  const pruner = setInterval(prune, 3_600_000);
  pruner.unref();
  logger.info({ servers: o.servers, stream: o.stream, consumer: o.consumer }, 'consuming telemetry from NATS JetStream');

  return {
    stats,
    /** stops pulling, writes (and acks) what was taken, then leaves the cluster */
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pruner);
      await messages?.close().catch(() => {});
      while (checking) await checking;
      await pipeline.flush();
    },
  };
}
