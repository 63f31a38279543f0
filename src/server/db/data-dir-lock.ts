import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * One process per PGlite data directory. PGlite is PostgreSQL in this process, with no postmaster between
 * processes: a second one (a CLI `db check` next to the running server, a second server) on the same files
 * dies with `Aborted()` at best and corrupts them at worst. The lock is a file beside the directory
 * (`./data.lock`), created exclusively, naming the holder; a lock whose process is gone (kill -9, a crash) is
 * taken over.
 */

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

interface Holder {
  pid: number;
  what: string;
  port?: number;
  at: string;
}

let describeSelf: { what: string; port?: number } = { what: `civicgrid ${process.argv.slice(2).join(' ')}`.trim() };
const held = new Map<string, number>();

/** What this process is, for the message another process gets (the server calls it with its port). */
export function describeDataDirHolder(self: { what: string; port?: number }) {
  describeSelf = self;
}

const lockPathOf = (dataDir: string) => `${resolve(dataDir).replace(/[\\/]+$/, '')}.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    return null;
  }
}

/** Takes the lock of `dataDir` or throws one clear line naming the holder; returns the release. */
export function lockDataDir(dataDir: string): () => void {
  const path = lockPathOf(dataDir);
  const mine = held.get(path);
  if (mine) {
    // the same process opening its own directory again (a test, a CLI step): not a second process
    held.set(path, mine + 1);
    return () => release(path);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      const me: Holder = { pid: process.pid, what: describeSelf.what, port: describeSelf.port, at: new Date().toISOString() };
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      held.set(path, 1);
      return () => release(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(path);
    if (holder && holder.pid !== process.pid && alive(holder.pid)) {
      const who = holder.port !== undefined ? `the server on port ${holder.port} (pid ${holder.pid})` : `${holder.what || 'another civicgrid process'} (pid ${holder.pid})`;
      throw new DataDirLockedError(
        `${who} holds ${dataDir}: stop it, or run this against PostgreSQL (DATABASE_URL), where any number of processes may share the database`,
      );
    }
    // stale: its process is gone (or the file is unreadable, half-written by a crash); take it over
    try {
      unlinkSync(path);
    } catch {
      // another process took it over first; the next attempt sees its lock
    }
  }
  throw new DataDirLockedError(`could not lock ${dataDir} (${path}); remove the file if no civicgrid process is running`);
}

/** Takes the lock of `dataDir`, then opens what lives in it; a failure to open lets the lock go again. */
export async function openLocked<T>(dataDir: string, open: () => Promise<T>): Promise<{ value: T; unlock: () => void }> {
  const unlock = lockDataDir(dataDir);
  try {
    return { value: await open(), unlock };
  } catch (err) {
    unlock();
    throw err;
  }
}

function release(path: string) {
  const n = (held.get(path) ?? 0) - 1;
  if (n > 0) return void held.set(path, n);
  held.delete(path);
  if (readHolder(path)?.pid === process.pid) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
}

// A process that exits without closing (an uncaught error) leaves no lock behind; kill -9 is caught by the pid check.
process.on('exit', () => {
  for (const path of held.keys()) if (readHolder(path)?.pid === process.pid) {
    try {
      unlinkSync(path);
    } catch {
      // nothing to do on the way out
    }
  }
});
