import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ADDRESS_FREE_FAILURES, createLoginThrottle, createSampler, DEFAULT_MQTT_MAX_PACKET_BYTES, guardConnection } from './broker-guard.ts';
import type { Logger } from 'pino';

/** `civicgrid/devices/{deviceId}/telemetry` (PRODUCT.md); the id is what the topic says, checked per login. */
export const TELEMETRY_FILTER = 'civicgrid/devices/+/telemetry';
const TOPIC = /^civicgrid\/devices\/([A-Za-z0-9][A-Za-z0-9._-]{1,63})\/telemetry$/;

export const deviceOfTopic = (topic: string): string | null => TOPIC.exec(topic)?.[1] ?? null;

/** Gateway logins carry this prefix, so a gateway name can never be mistaken for a device id. */
export const GATEWAY_PREFIX = 'gw:';

export type Identity = { kind: 'device'; id: string } | { kind: 'gateway'; username: string; scopePath: string };

/** What the embedded broker asks the brain: who is this, and may this gateway speak for that device. */
export interface MqttAuth {
  login(username: string, password: string): Promise<Identity | null>;
  gatewayMayPublish(scopePath: string, deviceId: string): Promise<boolean>;
}

/**
 * Takes a telemetry payload; returns why it was refused (logged, sampled), or nothing when it was taken — or a
 * promise (the NATS bridge) that settles when the message is safely stored; a QoS 1 PUBACK waits for it.
 */
export type Ingest = (deviceId: string, payload: Buffer) => { reason: string; message: string } | null | void | Promise<void>;

export interface RunningBroker {
  /** the port actually listened on (MQTT_PORT=0 picks a free one) */
  port: number | null;
  /** the address the embedded broker is bound to (MQTT_HOST, else HOST) */
  host?: string;
  kind: 'embedded' | 'external' | 'nats';
  close(): Promise<void>;
}

const authError = (code: 4 | 5, message: string) => Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;

/**
 * The embedded aedes broker. Devices log in with username = device id; `authorizePublish` lets a device publish
 * only its own telemetry topic (MQTT 3.1.1 has no negative PUBACK, so a refused publish disconnects the client,
 * as the spec prescribes). The brain reads telemetry through an in-process subscription, so any other
 * subscriber of the same broker (a monitoring tool, the benchmark) sees exactly the same messages.
 */
export async function startEmbeddedBroker(opts: { port: number; host?: string; maxPacketBytes?: number; auth: MqttAuth; ingest: Ingest; logger: Logger }): Promise<RunningBroker> {
  const identities = new WeakMap<Client, Identity>();
  const throttle = createLoginThrottle();
  const sample = createSampler();
  const maxPacketBytes = opts.maxPacketBytes ?? DEFAULT_MQTT_MAX_PACKET_BYTES;
  const ipOf = (client: Client) => (client.conn as { remoteAddress?: string } | undefined)?.remoteAddress ?? 'unknown';
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const ip = ipOf(client);
      const keys = [`ip:${ip}`, `client:${client.id}`, `user:${ip}:${String(username).slice(0, 128)}`];
      const refused = (reason: string, code: 4 | 5 = 4) => {
        const failures = throttle.fail(keys, { [`ip:${ip}`]: ADDRESS_FREE_FAILURES });
        const n = sample(`login:${reason}`);
        if (n !== null) opts.logger.warn({ ip, client: String(client.id).slice(0, 64), reason, failures, seen: n }, 'mqtt login refused');
        done(authError(code, reason === 'throttled' ? 'too many failed logins; wait and retry' : 'bad username or password'), false);
      };
      // earlier failures from this address or client id: refuse without asking the database (backoff)
      if (throttle.wait(keys) > 0) return refused('throttled', 5);
      if (!username || !password) return refused('missing credentials');
      // no NUL, control characters or overlong names: they can only be an attack, and reach no database
      if (username.length > 128 || /[\u0000-\u001f]/.test(username) || password.length > 1024) return refused('malformed username');
      opts.auth.login(username, password.toString('utf8')).then(
        (who) => {
          if (!who) return refused('bad credentials');
          throttle.succeed(keys);
          identities.set(client, who);
          done(null, true);
        },
        (err) => {
          opts.logger.error({ err }, 'mqtt login check failed');
          done(authError(4, 'login could not be checked'), false);
        },
      );
    },
    authorizePublish(client, packet, done) {
      const who = client ? identities.get(client) : undefined;
      const deviceId = deviceOfTopic(packet.topic);
      const deny = (message: string) => {
        const n = sample('publish:denied');
        if (n !== null) opts.logger.warn({ client: client ? String(client.id).slice(0, 64) : null, topic: packet.topic.slice(0, 200), seen: n }, 'mqtt publish refused');
        done(new Error(message));
      };
      if (!who || !deviceId) return deny(`publishing to ${packet.topic} is not allowed`);
      if (who.kind === 'device') return deviceId === who.id ? done(null) : deny(`device ${who.id} may only publish its own topic`);
      opts.auth.gatewayMayPublish(who.scopePath, deviceId).then(
        (ok) => done(ok ? null : new Error(`gateway ${who.username} may not publish for ${deviceId}`)),
        (err) => done(err as Error),
      );
    },
    authorizeSubscribe(client, sub, done) {
      const who = identities.get(client);
      // Devices may listen below their own topic (commands); gateways may also read all telemetry.
      const ownPrefix = who?.kind === 'device' ? `civicgrid/devices/${who.id}/` : null;
      const ok = who?.kind === 'gateway' ? sub.topic === TELEMETRY_FILTER || sub.topic.startsWith('civicgrid/devices/') : ownPrefix !== null && sub.topic.startsWith(ownPrefix);
      done(ok ? null : new Error(`subscribing to ${sub.topic} is not allowed`), ok ? sub : null);
    },
  });
  broker.on('clientError', (client, err) => opts.logger.debug({ client: client.id, err: err.message }, 'mqtt client error'));

  await new Promise<void>((resolve) =>
    broker.subscribe(
      TELEMETRY_FILTER,
      (packet, cb) => {
        const id = deviceOfTopic(packet.topic);
        const rejected = id ? opts.ingest(id, packet.payload as Buffer) : null;
        if (rejected instanceof Promise) {
          rejected.then(
            () => cb(),
            (err: Error) => {
              const n = sample('forward:failed');
              if (n !== null) opts.logger.error({ device: id, err: err.message, seen: n }, 'telemetry could not be forwarded to the stream');
              cb();
            },
          );
          return;
        }
        if (rejected) {
          const n = sample(`payload:${rejected.reason}`);
          if (n !== null) opts.logger.warn({ device: id, reason: rejected.reason, message: rejected.message, bytes: (packet.payload as Buffer).length, seen: n }, 'mqtt payload rejected');
        }
        cb();
      },
      resolve,
    ),
  );

  const server: Server = createServer((socket) => {
    const conn = guardConnection(socket, maxPacketBytes, (announced) => {
      const n = sample('packet:too_large');
      if (n !== null) opts.logger.warn({ ip: socket.remoteAddress, announced, max: maxPacketBytes, seen: n }, 'mqtt packet too large; connection closed');
    });
    broker.handle(conn as unknown as Socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  opts.logger.info({ port, host: opts.host ?? '0.0.0.0', maxPacketBytes }, 'embedded MQTT broker listening');
  return {
    port,
    host: (server.address() as AddressInfo).address,
    kind: 'embedded',
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * External broker (MQTT_URL): CivicGrid is one more subscriber. Device logins and topic ACLs are then the
 * broker's job (e.g. Mosquitto's password_file + acl_file with `pattern write civicgrid/devices/%u/telemetry`).
 */
export async function connectExternalBroker(opts: { url: string; ingest: Ingest; logger: Logger; clientId?: string }): Promise<RunningBroker> {
  const { default: mqtt } = await import('mqtt'); // only with MQTT_URL: not loaded at every start (~0.15 s CPU, issue #19)
  const client = await mqtt.connectAsync(opts.url, { clientId: opts.clientId ?? `civicgrid-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, clean: true, reconnectPeriod: 2000 });
  client.on('message', (topic, payload) => {
    const id = deviceOfTopic(topic);
    if (id) opts.ingest(id, payload);
  });
  client.on('error', (err) => opts.logger.warn({ err: err.message }, 'external MQTT broker error'));
  await client.subscribeAsync(TELEMETRY_FILTER, { qos: 1 });
  opts.logger.info({ url: opts.url.replace(/\/\/[^@/]*@/, '//***@') }, 'subscribed to external MQTT broker');
  return {
    port: null,
    kind: 'external',
    async close() {
      await client.endAsync();
    },
  };
}
