import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, runCli, type CliDatabase } from '../support/cli.ts';
import { testDbKind } from '../support/harness.ts';

// PGlite is one process per data dir; PostgreSQL has no such limit, so there is nothing to lock there.
const bin = new URL('../../bin/civicgrid.js', import.meta.url).pathname;
let cli: CliDatabase;
let server: ChildProcess | undefined;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  cli = await cliDatabase('lock');
});
afterAll(async () => {
  server?.kill('SIGKILL');
  await cli.close();
});

describe.skipIf(testDbKind !== 'pglite')('the PGlite data dir is locked to one process', () => {
  it('a CLI command next to the running server gets one clear line and exit code 1, not Aborted()', async () => {
    const port = await freePort();
    server = spawn(process.execPath, [bin, 'start'], { env: { ...process.env, ...cli.env, PORT: String(port), MQTT_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
      const onData = (d: Buffer) => {
        out += d;
        // ready, not just listening: /healthz answers 503 while the triage model warms up
        if (/triage model ready/.test(out)) (clearTimeout(timer), resolve());
      };
      server!.stdout!.on('data', onData);
      server!.stderr!.on('data', onData);
    });
    for (const args of [['db', 'check'], ['audit', 'verify']]) {
      const { code, out } = await runCli(args, cli.env);
      expect(code, out).toBe(1);
      expect(out.trim().split('\n')).toHaveLength(1);
      expect(out).toContain(`civicgrid: the server on port ${port} (pid ${server.pid}) holds ${cli.env.CIVICGRID_DATA_DIR}: stop it`);
      expect(out).not.toMatch(/Aborted/);
    }
    // the server is unharmed
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await new Promise((resolve) => (server!.on('exit', resolve), server!.kill('SIGTERM')));
    server = undefined;
  }, 240_000);

  it('takes over a stale lock whose process is gone (kill -9)', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(`${cli.env.CIVICGRID_DATA_DIR}.lock`, JSON.stringify({ pid: dead.pid, what: 'civicgrid start', port: 8080, at: new Date().toISOString() }));
    const { code, out } = await runCli(['db', 'check'], cli.env);
    expect(code, out).toBe(0);
    expect(out).toContain('pending migrations: none');
  }, 120_000);
});
