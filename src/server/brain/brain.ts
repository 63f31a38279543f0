import { assertCan, type Actor } from '../access/permissions.ts';
import type { CaseEventBus } from '../cases/event-bus.ts';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import { gatewayMayPublishFor } from './policy.ts';
import type { GeoService } from '../geo/service.ts';
import type { OrgService } from '../org/service.ts';
import type { TaxonomyService } from '../taxonomy/service.ts';
import { createAlarmService } from './alarms/service.ts';
import { createAlarmStore } from './alarms/store.ts';
import { connectExternalBroker, GATEWAY_PREFIX, startEmbeddedBroker, type Identity, type MqttAuth, type RunningBroker } from './broker.ts';
import { caseSinkFromService, type AlarmCaseSink } from './alarms/case-link.ts';
import { createBrainCaseReads } from './alarms/case-store.ts';
import { secretDigest } from '../privacy/pii.ts';
import { CredentialCache, verifyDeviceSecret } from './devices/credentials.ts';
import { createDashboardService } from './dashboard-service.ts';
import { createDeviceService } from './devices/service.ts';
import { createDeviceStore } from './devices/store.ts';
import { DeviceTypeCatalog } from './devices/type-catalog.ts';
import { createDeviceTypeService } from './devices/type-service.ts';
import { createDeviceTypeStore } from './devices/type-store.ts';
import { BrainEvents } from './events.ts';
import { createStorageJobs } from './jobs.ts';
import { createPipeline, type PipelineOptions } from './ingest/queue.ts';
import { createReadingStore } from './ingest/store.ts';
import { createSeenStore } from './ingest/seen-store.ts';
import { connectNats, natsBridge, natsOptionsOf, startNatsConsumer, type NatsConsumerStats } from './ingest/nats.ts';
import { createRuleService } from './rules/service.ts';
import { RuleEngine } from './rules/engine.ts';
import { checkShape, parsePayload, type RawReading, type Rejection } from './ingest/validate.ts';

export interface BrainOptions {
  cases?: CaseService | null;
  /** point → grid for devices (the one geo service) */
  geo: Pick<GeoService, 'locate'>;
  /** the city root, the scope of the brain's own system actor */
  org: Pick<OrgService, 'rootArea'>;
  /** the case feed the live operations stream joins with alarms */
  caseBus: CaseEventBus;
  /** the taxonomy versions: a rule's or an alarm's case category is checked against the current one */
  taxonomy?: Pick<TaxonomyService, 'current'>;
  pipeline?: Partial<PipelineOptions>;
  /** sweeper period of the background jobs started with the server */
  sweepMs?: number;
}

/**
 * City Brain (城市大脑) wiring: stores, the rule engine, the ingestion pipeline, services, the broker and the
 * background sweeper. Plain factory functions; nothing here holds rules of its own.
 */
export function createBrain(deps: Deps, opts: BrainOptions) {
  const { db, clock, logger, config } = deps;
  const devices = createDeviceStore();
  const readings = createReadingStore();
  const seen = createSeenStore();
  const alarms = createAlarmStore();
  const caseReads = createBrainCaseReads();
  const engine = new RuleEngine(config.TZ_OFFSET_MINUTES);
  const events = new BrainEvents();
  const credentialCache = new CredentialCache();
  const typeCatalog = new DeviceTypeCatalog();
  const types = createDeviceTypeService(deps, { store: createDeviceTypeStore(), catalog: typeCatalog });
  const { org } = opts;
  let cityPath: string | null = null;
  async function city(): Promise<string> {
    if (cityPath) return cityPath;
    const root = await org.rootArea(db);
    if (!root) throw new AppError(503, 'brain.no_city', 'no city has been set up yet');
    return (cityPath = root.path);
  }

  let sink: AlarmCaseSink | null = opts.cases ? caseSinkFromService(deps, opts.cases, caseReads, city) : null;
  const alarmService = createAlarmService(deps, { alarms, devices, events, engine, pipeline: () => pipeline, taxonomy: opts.taxonomy, sink: () => sink, types: typeCatalog });
  const pipeline = createPipeline(deps, { devices, readings, alarms, engine, events, hooks: alarmService, metricSpec: typeCatalog.metricSpec, seen }, opts.pipeline);
  const deviceService = createDeviceService(deps, { devices, pipeline: () => pipeline, credentialCache, geo: opts.geo, types: typeCatalog });
  const rules = createRuleService(deps, { alarms, devices, engine, taxonomy: opts.taxonomy, types: typeCatalog });
  const dashboard = createDashboardService(deps, { alarms, devices, cases: caseReads, types: typeCatalog });
  const storage = createStorageJobs(deps, readings);

  let broker: RunningBroker | null = null;
  let natsStats: NatsConsumerStats | null = null;
  let sweeper: NodeJS.Timeout | null = null;
  let sweeping: Promise<unknown> | null = null;

  const mqttAuth: MqttAuth = {
    async login(username, password): Promise<Identity | null> {
      const now = Date.now();
      if (username.startsWith(GATEWAY_PREFIX)) {
        const name = username.slice(GATEWAY_PREFIX.length);
        const g = await devices.gateway(db, name);
        if (!g) return null;
        const ok = await credentialCache.verify(username, password, now, () => verifyDeviceSecret(g.password_hash, password));
        return ok ? { kind: 'gateway', username: name, scopePath: g.scope_path } : null;
      }
      const ok = await credentialCache.verify(username, password, now, async () => {
        const d = await devices.secretOf(db, username);
        return Boolean(d?.enabled) && (await verifyDeviceSecret(d!.password_hash, password));
      });
      return ok ? { kind: 'device', id: username } : null;
    },
    async gatewayMayPublish(scopePath, deviceId) {
      let meta = pipeline.device(deviceId);
      if (!meta) {
        meta = (await devices.meta(db, [deviceId]))[0];
        if (meta) pipeline.upsertMeta(meta);
      }
      return gatewayMayPublishFor(scopePath, meta);
    },
  };

  const ingestMqtt = (deviceId: string, payload: Buffer) => pipeline.submit(deviceId, parsePayload(payload, clock.now().getTime()));

  /** Device login over HTTP: `X-Device-Token: <token>` or Basic auth with device id and password. */
  async function httpDevice(headers: { token?: string; authorization?: string }): Promise<string> {
    const refuse = () => new AppError(401, 'device.auth_failed', 'device credentials are missing or wrong: send X-Device-Token or Basic auth (device id, password)');
    if (headers.token) {
      const d = await devices.byTokenHash(db, secretDigest(headers.token));
      if (!d?.enabled) throw refuse();
      return d.id;
    }
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(headers.authorization ?? '');
    if (!m) throw refuse();
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 1) throw refuse();
    const id = decoded.slice(0, i);
    const who = await mqttAuth.login(id, decoded.slice(i + 1));
    if (!who || who.kind !== 'device') throw refuse();
    return id;
  }

  /** One sweep: no-data and duration rules, escalation, pending alarm cases, rollups, retention, rule reload. */
  async function sweep() {
    const now = clock.now().getTime();
    const devs = [...pipeline.devices.values()].map((d) => ({ id: d.id, type: d.type, lastSeen: (d.last_seen ?? d.created_at).getTime() }));
    await pipeline.applySweep(engine.sweep(now, devs));
    const escalated = await alarmService.escalate();
    const cases = await alarmService.retryPendingCases();
    await storage.ensurePartitionsAhead();
    const rollup = await storage.rollup();
    const dropped = await storage.retention();
    return { escalated, pendingCases: cases, rollup, droppedPartitions: dropped };
  }

  /** The NATS path: this node's share of the durable consumer, and the MQTT bridge into the stream. */
  async function startNatsIngest(mqttPort: number): Promise<RunningBroker> {
    const no = natsOptionsOf(config);
    const nc = await connectNats(no, `civicgrid-${process.pid}`, logger);
    try {
      const consumer = await startNatsConsumer({ nc, o: no, pipeline, seen, db, clock, logger });
      natsStats = consumer.stats;
      const bridge = config.NATS_MQTT_BRIDGE
        ? await startEmbeddedBroker({ port: mqttPort, host: config.MQTT_HOST ?? config.HOST, maxPacketBytes: config.MQTT_MAX_PACKET_BYTES, auth: mqttAuth, ingest: natsBridge(nc, no, clock), logger })
        : null;
      return {
        port: bridge?.port ?? null,
        host: bridge?.host,
        kind: 'nats',
        async close() {
          // devices first (nothing new comes in), then what this node took is written and acked, then leave
          await bridge?.close();
          await consumer.close();
          await nc.drain().catch(() => nc.close());
        },
      };
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  return {
    pipeline,
    engine,
    events,
    devices: deviceService,
    /** 感知设备类型: CRUD over device_types; `typeCatalog` is this node's in-memory copy ingest reads */
    types,
    typeCatalog,
    alarms: alarmService,
    rules,
    dashboard,
    storage,
    mqttAuth,
    ingestMqtt,
    httpDevice,
    /** wires the alarm → case sink later (when the case service is created after the brain) */
    setCaseSink(s: AlarmCaseSink | null) {
      sink = s;
    },

    async load() {
      await types.load();
      await pipeline.load();
      pipeline.start();
    },

    /** HTTP telemetry of an authenticated device: one reading or a batch, all or nothing. */
    async ingestHttp(deviceId: string, body: { readings?: unknown[] } | Record<string, unknown>) {
      const now = clock.now().getTime();
      const items = Array.isArray((body as { readings?: unknown[] }).readings) ? (body as { readings: unknown[] }).readings : [body];
      const checked: (RawReading | Rejection)[] = items.map((r) => checkShape(r, now));
      const problems = await pipeline.submitAll(deviceId, checked);
      if (problems.length) {
        const status = problems.every((p) => p.reason === 'overloaded') ? 503 : 400;
        throw new AppError(status, `telemetry.${problems[0]!.reason}`, `${problems.length} reading(s) refused; nothing was stored: ${problems[0]!.message}`, { errors: problems });
      }
      return { accepted: items.length };
    },

    now: () => clock.now(),
    caseBus: () => opts.caseBus,
    streamGuard: (actor: Actor) => assertCan(actor, 'alarm.read'),
    deviceTypesGuard: (actor: Actor) => assertCan(actor, 'device.read'),

    /** Raw readings, or 5-minute / hourly rollups (n, avg, min, max) for charts. */
    async history(actor: Actor, deviceId: string, q: { metric?: string; from?: string; to?: string; res: 'raw' | '5m' | '1h'; limit: number }) {
      await deviceService.get(actor, deviceId);
      const to = q.to ? new Date(q.to) : new Date(clock.now().getTime() + 60_000);
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - 86_400_000);
      if (q.res === 'raw') {
        const rows = await readings.history(db, deviceId, { metric: q.metric, from, to, limit: q.limit });
        return { deviceId, res: q.res, points: rows.map((r) => ({ metric: r.metric, ts: r.ts.toISOString(), value: r.value })) };
      }
      const rows = await readings.rollups(db, deviceId, { metric: q.metric, res: q.res, from, to });
      return { deviceId, res: q.res, points: rows.map((r) => ({ metric: r.metric, ts: r.bucket.toISOString(), n: r.n, avg: r.sum / r.n, min: r.min, max: r.max })) };
    },

    stats(actor: Actor) {
      assertCan(actor, 'device.read');
      const s = pipeline.stats;
      const topRejected = [...pipeline.perDevice.entries()]
        .filter(([, d]) => d.rejected > 0)
        .sort((a, b) => b[1].rejected - a[1].rejected)
        .slice(0, 20)
        .map(([deviceId, d]) => ({ deviceId, ...d }));
      return { ...s, queued: pipeline.queued(), devicesKnown: pipeline.devices.size, broker: broker ? { kind: broker.kind, port: broker.port } : null, nats: natsStats ? { ...natsStats } : null, topRejected };
    },

    async sweep(actor: Actor) {
      assertCan(actor, 'ops.run');
      const result = await sweep();
      await alarmService.idle();
      return result;
    },

    /**
     * Starts the broker: embedded aedes on MQTT_PORT, or a subscription to MQTT_URL; with NATS_URL the pipeline
     * consumes the JetStream stream instead (and the embedded broker, unless NATS_MQTT_BRIDGE=false, forwards into it).
     */
    async startBroker(o: { port?: number; url?: string } = {}): Promise<RunningBroker> {
      if (broker) return broker;
      if (config.NATS_URL && !o.url) return (broker = await startNatsIngest(o.port ?? config.MQTT_PORT));
      const url = o.url ?? config.MQTT_URL;
      broker = url
        ? await connectExternalBroker({ url, ingest: ingestMqtt, logger })
        : await startEmbeddedBroker({ port: o.port ?? config.MQTT_PORT, host: config.MQTT_HOST ?? config.HOST, maxPacketBytes: config.MQTT_MAX_PACKET_BYTES, auth: mqttAuth, ingest: ingestMqtt, logger });
      return broker;
    },

    async stopBroker() {
      const b = broker;
      broker = null;
      await b?.close();
    },

    /** Background sweeper for a running server (tests and the CLI trigger sweeps on demand instead). */
    startBackground(periodMs = opts.sweepMs ?? 30_000) {
      if (sweeper) return;
      sweeper = setInterval(() => {
        if (sweeping) return;
        sweeping = sweep()
          .then(() => rules.reload())
          .then(() => types.reload())
          .catch((err) => logger.error({ err }, 'brain sweep failed'))
          .finally(() => (sweeping = null));
      }, periodMs);
      sweeper.unref();
    },

    /** Clean shutdown: stop taking readings, write everything acknowledged, finish case work. */
    async close() {
      if (sweeper) clearInterval(sweeper);
      sweeper = null;
      await sweeping;
      await this.stopBroker();
      await pipeline.close();
      await alarmService.idle();
      await types.close();
    },
  };
}

export type Brain = ReturnType<typeof createBrain>;
