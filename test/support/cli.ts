import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, testDbKind } from './harness.ts';

const bin = new URL('../../bin/civicgrid.js', import.meta.url).pathname;

/** Runs `civicgrid …` as a real process; resolves with its exit code and everything it printed. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, out })));
  });
}

export interface CliDatabase {
  /** environment that points the CLI at the database: a PGlite data dir on disk, or a cloned PostgreSQL db */
  env: Record<string, string>;
  dir: string;
  close(): Promise<void>;
}

/**
 * A database of the CLI's own, cloned from the test template. PGlite allows one process on a data dir at a
 * time, so the test's own handle is closed before the CLI opens it.
 */
export async function cliDatabase(prefix: string): Promise<CliDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `civicgrid-${prefix}-`));
  const dataDir = join(dir, 'data');
  const database = await openTestDatabase({ dataDir });
  let env: Record<string, string>;
  if (testDbKind === 'pglite') {
    await database.close(); // also lets go of the data dir's lock, so the CLI process may take it
    env = { CIVICGRID_DATA_DIR: dataDir };
  } else {
    // files (attachments, the triage model's cache) in the test's own dir, never the checkout's ./data
    env = { DATABASE_URL: database.url!, CIVICGRID_DATA_DIR: dataDir };
  }
  return {
    env,
    dir,
    async close() {
      if (testDbKind === 'postgres') await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
