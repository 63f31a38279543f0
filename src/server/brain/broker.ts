import { Aedes, type AuthenticateError, type Client } from 'aedes';
import mqtt from 'mqtt';
import { createServer, type AddressInfo, type Server } from 'node:net';
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

export type Ingest = (deviceId: string, payload: Buffer) => void;

export interface RunningBroker {
  /** the port actually listened on (MQTT_PORT=0 picks a free one) */
  port: number | null;
  kind: 'embedded' | 'external';
  close(): Promise<void>;
}

const authError = (code: 4 | 5, message: string) => Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;

/**
 * The embedded aedes broker. Devices log in with username = device id; `authorizePublish` lets a device publish
 * only its own telemetry topic (MQTT 3.1.1 has no negative PUBACK, so a refused publish disconnects the client,
 * as the spec prescribes). The brain reads telemetry through an in-process subscription, so any other
 * subscriber of the same broker (a monitoring tool, the benchmark) sees exactly the same messages.
 */
export async function startEmbeddedBroker(opts: { port: number; host?: string; auth: MqttAuth; ingest: Ingest; logger: Logger }): Promise<RunningBroker> {
  const identities = new WeakMap<Client, Identity>();
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      if (!username || !password) return done(authError(4, 'username and password required'), false);
      opts.auth.login(username, password.toString('utf8')).then(
        (who) => {
          if (!who) return done(authError(4, 'bad username or password'), false);
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
      if (!who || !deviceId) return done(new Error(`publishing to ${packet.topic} is not allowed`));
      if (who.kind === 'device') return done(deviceId === who.id ? null : new Error(`device ${who.id} may only publish its own topic`));
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
        if (id) opts.ingest(id, packet.payload as Buffer);
        cb();
      },
      resolve,
    ),
  );

  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  opts.logger.info({ port }, 'embedded MQTT broker listening');
  return {
    port,
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
