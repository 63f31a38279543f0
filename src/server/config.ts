import { z } from 'zod';
import { parseOffset } from './time.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  /** PGlite data directory, used when DATABASE_URL is not set */
  CIVICGRID_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** a streaming replica of DATABASE_URL for reads that tolerate seconds of lag (dashboards, evaluation, public views, open data) */
  DATABASE_REPLICA_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** how often a replica found down is tried again */
  DATABASE_REPLICA_CHECK_SECONDS: z.coerce.number().min(1).max(300).default(5),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** unset: demo city on a fresh data dir; false: production (no default accounts) */
  CIVICGRID_DEMO: bool.optional(),
  CIVICGRID_DEMO_PASSWORD: z.string().min(8).default('demo-pass-2026'),
  /** 32-byte key (hex or base64) for field-level encryption of PII; demo derives one when unset */
  CIVICGRID_SECRET_KEY: z.string().optional(),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** largest spreadsheet / GeoJSON accepted by POST /api/v1/imports */
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(52_428_800),
  TOKEN_TTL_HOURS: z.coerce.number().positive().default(12),
  /** how long a node may trust a session it has checked (revocations reach every node at once regardless; 0: no cache) */
  SESSION_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(30),
  /** a list total the case counters cannot answer is counted up to this many rows, then estimated (totalEstimated) */
  LIST_COUNT_LIMIT: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  LOGIN_LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MQTT_URL: z.string().optional(),
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  /** address the embedded broker binds (default: HOST) */
  MQTT_HOST: z.string().optional(),
  /** largest MQTT packet the embedded broker accepts; a bigger announced length closes the connection */
  MQTT_MAX_PACKET_BYTES: z.coerce.number().int().min(1024).max(268_435_455).default(262_144),
  /**
   * ingestion on a NATS cluster: comma-separated servers (nats://a:4222,nats://b:4222). Readings then go through
   * a JetStream stream that every node consumes through one durable consumer; unset: the pipeline reads the MQTT broker
   */
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/[^,\s]+(,\s*(nats|tls):\/\/[^,\s]+)*$/, 'must be nats://host:port[,nats://host:port…]')
    .optional(),
  NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a JetStream stream name (letters, digits, _ and -)').default('CIVICGRID_TELEMETRY'),
  NATS_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a consumer name (letters, digits, _ and -)').default('civicgrid-ingest'),
  /** the stream's subject, `*` for the device: what NATS's MQTT makes of civicgrid/devices/{id}/telemetry */
  NATS_SUBJECT: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.\*(\.[A-Za-z0-9_-]+)*$|^\*(\.[A-Za-z0-9_-]+)+$/, 'must be a subject with one * token for the device').default('civicgrid.devices.*.telemetry'),
  /** copies of the stream when this node creates it: 3 on a cluster (survives losing a server), 1 on a single server */
  NATS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** readings handed out and not yet acked, over all nodes: bounds redelivery work and memory */
  NATS_MAX_ACK_PENDING: z.coerce.number().int().min(100).max(1_000_000).default(50_000),
  /** a reading not acked this long after delivery goes to another node */
  NATS_ACK_WAIT_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** with NATS_URL: the embedded broker still takes device logins and forwards telemetry into the stream; false when devices connect to NATS's own MQTT port */
  NATS_MQTT_BRIDGE: bool.default(true),
  TZ_OFFSET: z.string().default('+08:00'),
  /** raster XYZ basemap for the console's maps (https or same-origin, to pass the CSP); unset = offline plain background */
  MAP_TILE_URL: z.string().regex(/\{z\}.*\{x\}.*\{y\}|\{z\}.*\{y\}.*\{x\}/, 'must be an XYZ template with {z}, {x} and {y}').optional(),
  MAP_TILE_ATTRIBUTION: z.string().max(300).optional(),
  /** a {key} in MAP_TILE_URL is replaced by this (天地图 tk=…); it goes to browsers in tile URLs, never to logs */
  MAP_TILE_KEY: z.string().min(1).optional(),
  /** a raster .pmtiles archive on this server's disk, served at /map-tiles/<file> with range requests (offline tiles) */
  MAP_PMTILES_PATH: z.string().regex(/\.pmtiles$/, 'must be a .pmtiles file').optional(),
  /** where attachment bytes live: files under CIVICGRID_DATA_DIR/attachments, or an S3-compatible bucket */
  CIVICGRID_STORAGE: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name').optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** true: endpoint/bucket/key (MinIO, most gateways); false: bucket.endpoint/key (AWS virtual hosts) */
  S3_PATH_STYLE: bool.default(true),
  /** email to reporters who gave an address: smtp://host:port (unauthenticated relay) or smtps://user:pass@host */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  NOTIFY_FROM: z.string().default('CivicGrid <noreply@civicgrid.local>'),
  /** SMS through an HTTP gateway: a generic JSON webhook, or Tencent Cloud SMS (TC3-HMAC-SHA256 signed) */
  SMS_GATEWAY_URL: z.url({ protocol: /^https?$/ }).optional(),
  SMS_PROVIDER: z.enum(['generic', 'tencent']).default('generic'),
  SMS_SECRET_ID: z.string().optional(),
  SMS_SECRET_KEY: z.string().optional(),
  SMS_APP_ID: z.string().optional(),
  SMS_SIGN_NAME: z.string().optional(),
  SMS_TEMPLATE_ID: z.string().optional(),
  SMS_REGION: z.string().default('ap-guangzhou'),
  /** group robots for staff alerts: comma-separated kind=url (kind wecom|dingtalk|feishu; dingtalk may add #secret) */
  ROBOT_WEBHOOK_URLS: z.string().regex(/^(wecom|dingtalk|feishu)=https?:\/\/\S+(,(wecom|dingtalk|feishu)=https?:\/\/\S+)*$/, 'must be kind=url[,kind=url…] with kind wecom, dingtalk or feishu').optional(),
  /** messages for a channel that is not configured land in the dev outbox (readable in the console) instead of nowhere */
  NOTIFY_DEV_OUTBOX: bool.default(true),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  NOTIFY_LOCALE: z.enum(['zh', 'en']).default('zh'),
  /** base of links in notices (rating, case page) */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:8080'),
  /** 回访 sample of closed non-complaint cases, in percent (complaints and 不满意 are always called back) */
  CALLBACK_SAMPLE_PERCENT: z.coerce.number().min(0).max(100).default(20),
  CALLBACK_MAX_TRIES: z.coerce.number().int().min(1).max(10).default(3),
  /** patrol GPS tracks are deleted this many days after the patrol stopped (not surveillance: 巡查 evidence only) */
  PATROL_TRACK_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** sensor readings are kept at least this many days: a month's partition is dropped once all of it is older */
  READINGS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3660).default(92),
  /** a high-risk dispute with no mediation session for this many days raises a warning */
  RISK_STALE_DISPUTE_DAYS: z.coerce.number().int().min(1).max(90).default(7),
});

export type Config = z.infer<typeof schema> & {
  /** TZ_OFFSET in minutes east of UTC, parsed once here */
  TZ_OFFSET_MINUTES: number;
};

/** Parses configuration once at boot. Throws a one-line, human-readable error on the first bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  // An empty variable means "not set", as people write `FOO=` in env files to clear a value.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  const merged = { ...parsed.data, ...overrides };
  let offsetMinutes: number;
  try {
    offsetMinutes = parseOffset(merged.TZ_OFFSET);
  } catch (err) {
    throw new ConfigError(`configuration: TZ_OFFSET ${(err as Error).message}`);
  }
  const config: Config = { ...merged, TZ_OFFSET_MINUTES: offsetMinutes };
  if (config.DATABASE_REPLICA_URL && !config.DATABASE_URL) throw new ConfigError('configuration: DATABASE_REPLICA_URL needs DATABASE_URL (a replica of PostgreSQL, not of PGlite)');
  if (config.NATS_URL && config.MQTT_URL) throw new ConfigError('configuration: set NATS_URL or MQTT_URL, not both (with NATS_URL devices reach NATS, directly or through the embedded broker)');
  if (config.CIVICGRID_STORAGE === 's3') {
    const missing = (['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((k) => !config[k]);
    if (missing.length) throw new ConfigError(`configuration: CIVICGRID_STORAGE=s3 needs ${missing.join(', ')}`);
  }
  if (config.SMS_PROVIDER === 'tencent' && config.SMS_GATEWAY_URL) {
    const missing = (['SMS_SECRET_ID', 'SMS_SECRET_KEY', 'SMS_APP_ID', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_ID'] as const).filter((k) => !config[k]);
    if (missing.length) throw new ConfigError(`configuration: SMS_PROVIDER=tencent needs ${missing.join(', ')}`);
  }
  return config;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}
