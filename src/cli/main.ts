import { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { systemActor } from '../server/access/permissions.ts';
import { verifyAuditChain } from '../server/audit/verify.ts';
import { checkPasswordPolicy, hashPassword } from '../server/auth/passwords.ts';
import { ConfigError, loadConfig, type Config } from '../server/config.ts';
import { openDatabase } from '../server/db/database.ts';
import { migrate, pendingMigrations } from '../server/db/migrate.ts';
import { startServer } from '../server/main.ts';
import { createOrgStore } from '../server/org/store.ts';
import { openRuntime } from '../server/runtime.ts';
import { seedDemo } from '../server/seed/demo.ts';
import { getSetting } from '../server/settings.ts';

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
  .action(async () => {
    const c = config({ LOG_LEVEL: 'warn' });
    const rt = await openRuntime({ ...c, CIVICGRID_DEMO: false });
    try {
      if ((await getSetting(rt.deps.db, 'mode')) === 'demo') {
        console.log('demo city already seeded');
        return;
      }
      if (await rt.deps.db.selectFrom('areas').select('code').limit(1).executeTakeFirst()) {
        throw new Error('this database already holds a city; seed the demo into an empty database');
      }
      await rt.deps.db.deleteFrom('settings').where('key', '=', 'mode').execute();
      await seedDemo(rt.deps, rt.taxonomy, c.CIVICGRID_DEMO_PASSWORD);
      console.log('demo city seeded');
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
    const store = createOrgStore();
    try {
      const username = opts.username.toLowerCase();
      if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(username)) throw new Error('usernames are 2-64 characters: letters, digits, . _ -');
      let city = await store.rootArea(rt.deps.db);
      if (!city) {
        if (!opts.cityCode || !/^[0-9]{6}$/.test(opts.cityCode) || !opts.cityName) throw new Error('no city yet: pass --city-code <6 digits> and --city-name');
        await store.insertArea(rt.deps.db, { code: opts.cityCode, name: opts.cityName, level: 'city', path: opts.cityCode, parent_code: null });
        city = (await store.rootArea(rt.deps.db))!;
      }
      if (await store.usernameTaken(rt.deps.db, username)) throw new Error(`username ${username} is taken`);
      const password = await readPassword('password for the new admin: ');
      const weak = checkPasswordPolicy(password);
      if (weak) throw new Error(`password ${weak}`);
      const actor = systemActor(city.path, 'cli');
      await rt.deps.db.transaction().execute(async (tx) => {
        const user = await store.insertUser(tx, { username, display_name: opts.name, password_hash: await hashPassword(password), roles: ['admin'], scope_path: city!.path, department_code: null });
        await rt.deps.audit.append(tx, { at: rt.deps.clock.now(), actorId: null, actor: actor.username, action: 'user.create', targetType: 'user', targetId: user.id, detail: { username, roles: ['admin'] } });
      });
      console.log(`admin ${username} created with scope ${city.name} (${city.code})`);
    } finally {
      await rt.close();
    }
  });

const audit = program.command('audit').description('audit log');
audit
  .command('verify')
  .description('verify the hash chain; exits 1 and names the first broken row')
  .action(async () => {
    const c = config();
    const database = await openDatabase({ databaseUrl: c.DATABASE_URL, dataDir: c.CIVICGRID_DATA_DIR });
    try {
      const { createAuditStore } = await import('../server/audit/store.ts');
      const result = await verifyAuditChain(database.db, createAuditStore());
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
