import { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { verifyAuditChain } from '../server/audit/verify.ts';
import { ConfigError, loadConfig, type Config } from '../server/config.ts';
import { openDatabase } from '../server/db/database.ts';
import { migrate, pendingMigrations } from '../server/db/migrate.ts';
import { startServer } from '../server/main.ts';
import { demoSecretKey } from '../server/privacy/pii.ts';
import { openRuntime } from '../server/runtime.ts';
import { seedDemo } from '../server/seed/demo.ts';
import { deleteSetting, getSetting } from '../server/db/settings-store.ts';
import { createServices } from '../server/services.ts';

const program = new Command('civicgrid').description('CivicGrid: municipal social governance platform').showHelpAfterError();

function config(overrides: Partial<Config> = {}): Config {
  return loadConfig(process.env, overrides);
}

const quietLogger = { level: 'warn' as const };

program
  .command('start')
  .description('run the server (migrates, and seeds the demo city on a fresh database)')
  .option('--no-demo', 'production mode: no demo city, no default accounts')
  .option('-p, --port <port>', 'port to listen on')
  .action(async (opts: { demo: boolean; port?: string }) => {
    const env = { ...process.env, ...(opts.demo ? {} : { CIVICGRID_DEMO: 'false' }), ...(opts.port ? { PORT: opts.port } : {}) };
    await startServer(loadConfig(env));
  });

program
  .command('migrate')
  .description('apply pending SQL migrations')
  .action(async () => {
    const c = config({ LOG_LEVEL: quietLogger.level });
    const database = await openDatabase({ databaseUrl: c.DATABASE_URL, dataDir: c.CIVICGRID_DATA_DIR });
    try {
      const applied = await migrate(database.db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await database.close();
    }
  });

const db = program.command('db').description('database maintenance');
db.command('check')
  .description('check that the database answers and has no pending migrations')
  .action(async () => {
    const c = config();
    const database = await openDatabase({ databaseUrl: c.DATABASE_URL, dataDir: c.CIVICGRID_DATA_DIR });
    try {
      const pending = await pendingMigrations(database.db);
      const mode = pending.length ? undefined : await getSetting<string>(database.db, 'mode');
      console.log(`database: ${database.kind} reachable; pending migrations: ${pending.length ? pending.join(', ') : 'none'}; mode: ${mode ?? 'not seeded'}`);
      if (pending.length) process.exitCode = 1;
    } finally {
      await database.close();
    }
  });

const seed = program.command('seed').description('seed data');
seed
  .command('demo')
  .description('seed the demo city into an empty database')
  .option('--scale <scale>', 'small (the demo) or city (adds 1M people and 100k components, for benchmarks)', 'small')
  .action(async (opts: { scale: string }) => {
    if (!['small', 'city'].includes(opts.scale)) throw new Error('--scale is small or city');
    const c = config({ LOG_LEVEL: 'warn' });
    // Opened in production mode so it does not seed on its own; the demo's PII is sealed with the demo key
    // (what the server uses in demo mode) unless a real key is configured, which also satisfies the
    // production-mode key check on a fresh database.
    const rt = await openRuntime({ ...c, CIVICGRID_DEMO: false, CIVICGRID_SECRET_KEY: c.CIVICGRID_SECRET_KEY ?? demoSecretKey().toString('hex') });
    // the city-scale registers stream in on top of the demo city, seeded first if needed
    const cityScale = async () => opts.scale === 'city' && (await import('./registry.ts')).seedCityScale(rt);
    try {
      if ((await getSetting(rt.deps.db, 'mode')) === 'demo') {
        console.log('demo city already seeded');
        await cityScale();
        return;
      }
      if (await createServices(rt.deps, rt.taxonomy).org.hasAreas()) {
        throw new Error('this database already holds a city; seed the demo into an empty database');
      }
      await deleteSetting(rt.deps.db, 'mode');
      await seedDemo(rt.deps, rt.taxonomy, c.CIVICGRID_DEMO_PASSWORD);
      console.log('demo city seeded');
      await cityScale();
    } finally {
      await rt.close();
    }
  });

seed
  .command('synthetic')
  .description('add N synthetic cases (a year of appeals in every grid and category, with events, ratings and readings) to a seeded city, in SQL')
  .requiredOption('--cases <n>', 'how many cases (up to 18,250,000)')
  .option('--devices <n>', 'synthetic sensors with a week of hourly readings (default cases / 1000)')
  .option('--seed <s>', 'the same seed gives the same city; a seed already loaded is reused', '1')
  .action(async (opts: { cases: string; devices?: string; seed: string }) => {
    const c = config({ LOG_LEVEL: 'warn' });
    const rt = await openRuntime({ ...c, CIVICGRID_SECRET_KEY: c.CIVICGRID_SECRET_KEY ?? demoSecretKey().toString('hex') });
    try {
      const { seedSynthetic } = await import('../server/seed/synthetic.ts');
      const r = await seedSynthetic(rt.deps, rt.taxonomy, {
        cases: Number(opts.cases), devices: opts.devices === undefined ? undefined : Number(opts.devices), seed: Number(opts.seed), log: (l) => console.log(l),
      });
      console.log(r.reused ? `synthetic seed ${opts.seed} already loaded: ${r.cases} cases` :
        `synthetic city seeded in ${r.seconds.toFixed(1)} s: ${r.cases} cases, ${r.events} events, ${r.devices} devices, ${r.readings} readings`);
    } finally {
      await rt.close();
    }
  });

async function readPassword(prompt: string): Promise<string> {
  if (process.env.CIVICGRID_ADMIN_PASSWORD) return process.env.CIVICGRID_ADMIN_PASSWORD;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  try {
    return (await rl.question(prompt)).trim();
  } finally {
    rl.close();
  }
}

const admin = program.command('admin').description('administrator accounts');
admin
  .command('create')
  .description('create an administrator (password from CIVICGRID_ADMIN_PASSWORD or asked on the terminal)')
  .requiredOption('-u, --username <name>', 'username')
  .option('-n, --name <display>', 'display name', '系统管理员')
  .option('--city-code <code>', '6-digit GB/T 2260 code of the city, when the database has no city yet')
  .option('--city-name <name>', 'name of the city, with --city-code')
  .action(async (opts: { username: string; name: string; cityCode?: string; cityName?: string }) => {
    const c = config({ LOG_LEVEL: 'warn' });
    const rt = await openRuntime({ ...c, CIVICGRID_DEMO: c.CIVICGRID_DEMO ?? false });
    try {
      const { org } = createServices(rt.deps, rt.taxonomy);
      const { username, city } = await org.createFirstAdmin({
        username: opts.username,
        displayName: opts.name,
        password: () => readPassword('password for the new admin: '),
        city: { code: opts.cityCode, name: opts.cityName },
      });
      console.log(`admin ${username} created with scope ${city.name} (${city.code})`);
    } finally {
      await rt.close();
    }
  });

program
  .command('simulate')
  .description('publish realistic sensor readings (with occasional anomalies) over MQTT to a running server, for demos and benchmarks')
  .option('--devices <n>', 'simulated devices (registered through the API when missing)', '10000')
  .option('--rate <n>', 'readings per second', '20000')
  .option('--duration <s>', 'seconds to run', '60')
  .option('--connections <n>', 'MQTT connections of the gateway login', '4')
  .option('--api <url>', 'the server', `http://127.0.0.1:${process.env.PORT ?? 8080}`)
  .option('--mqtt <url>', 'the broker (default: MQTT_URL, else the embedded broker on MQTT_PORT)')
  .option('-u, --username <name>', 'an account that may manage devices (password from CIVICGRID_ADMIN_PASSWORD, else the demo password)', 'admin')
  .action(async (o: { devices: string; rate: string; duration: string; connections: string; api: string; mqtt?: string; username: string }) => {
    const c = config({ LOG_LEVEL: 'warn' });
    const { simulate } = await import('../server/brain/simulator.ts');
    await simulate({
      api: o.api, username: o.username, password: process.env.CIVICGRID_ADMIN_PASSWORD ?? c.CIVICGRID_DEMO_PASSWORD,
      mqttUrl: o.mqtt ?? c.MQTT_URL ?? `mqtt://127.0.0.1:${c.MQTT_PORT}`, devices: Number(o.devices), rate: Number(o.rate),
      durationS: Number(o.duration), connections: Number(o.connections), log: (line) => console.log(line),
    });
  });

program
  .command('import <file>')
  .description('import people, houses, organisations or components (CSV/XLSX/GeoJSON) or grids (GeoJSON): all rows or none, with a row-by-row report')
  .requiredOption('-t, --type <type>', 'people | houses | organisations | components | grids')
  .option('-f, --format <format>', 'csv | xlsx | geojson (default: from the file name)')
  .action(async (file: string, opts: { type: string; format?: string }) => {
    const { checkImportOptions, importCommand } = await import('./registry.ts');
    checkImportOptions(file, opts); // before the database opens: a typo should not cost a boot
    const rt = await openRuntime(config({ LOG_LEVEL: 'warn' }));
    try {
      process.exitCode = await importCommand(createServices(rt.deps, rt.taxonomy), file, opts);
    } finally {
      await rt.close();
    }
  });

program
  .command('triage')
  .description('smart triage tools')
  .command('eval')
  .argument('[file]', 'JSONL of {text, category, nature} to test on (never trained on)')
  .option('-k, --folds <k>', 'cross-validation folds over the training corpus', '5')
  .option('--precision <p>', 'target precision for auto-dispatch', '0.95')
  .description('accuracy for category, department and nature, confusions, and precision at the auto-dispatch threshold')
  .action(async (file: string | undefined, opts: { folds: string; precision: string }) => {
    const { evaluateFile, formatReport } = await import('../server/triage/eval.ts');
    const folds = Number(opts.folds);
    const precision = Number(opts.precision);
    if (!Number.isInteger(folds) || folds < 2) throw new Error('--folds must be a whole number ≥ 2');
    if (!(precision > 0 && precision <= 1)) throw new Error('--precision must be in (0, 1]');
    console.log(formatReport(evaluateFile(file, { folds, autoDispatchPrecision: precision })));
  });

program
  .command('datahall')
  .description('data hall')
  .command('verify')
  .description("verify the shared-access log's hash chain and its published daily heads; exits 1 and names the first broken row")
  .action(async () => {
    const c = config();
    const database = await openDatabase({ databaseUrl: c.DATABASE_URL, dataDir: c.CIVICGRID_DATA_DIR });
    try {
      const { createAccessLogStore } = await import('../server/datahall/access-log-store.ts');
      const r = await createAccessLogStore().verify(database.db);
      if (r.ok) console.log(`datahall access log intact: ${r.checked} entries, ${r.heads} published heads`);
      else {
        console.log(`datahall access log BROKEN at seq ${r.broken!.seq} (${r.broken!.reason}); ${r.checked} entries before it are intact`);
        process.exitCode = 1;
      }
    } finally {
      await database.close();
    }
  });

const audit = program.command('audit').description('audit log');
audit
  .command('verify')
  .description('seal pending entries, then verify the hash chain; exits 1 and names the first broken row')
  .option('--no-seal', 'do not seal pending entries first (read-only copy: a standby or a restored backup)')
  .action(async (opts: { seal: boolean }) => {
    const c = config();
    const database = await openDatabase({ databaseUrl: c.DATABASE_URL, dataDir: c.CIVICGRID_DATA_DIR });
    try {
      const { createAuditStore } = await import('../server/audit/store.ts');
      const result = await verifyAuditChain(database.db, createAuditStore(), { seal: opts.seal });
      if (result.ok) console.log(`audit chain intact: ${result.checked} entries`);
      else {
        console.log(`audit chain BROKEN at seq ${result.broken!.seq} (${result.broken!.reason}); ${result.checked} entries before it are intact`);
        process.exitCode = 1;
      }
    } finally {
      await database.close();
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // One readable line for operators; a stack trace only helps developers (CIVICGRID_DEBUG=1).
  const message = err instanceof ConfigError || err instanceof Error ? err.message : String(err);
  console.error(`civicgrid: ${message}`);
  if (process.env.CIVICGRID_DEBUG) console.error(err);
  process.exit(1);
}
