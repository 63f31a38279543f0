#!/usr/bin/env node
// Builds the console (web/ → web/dist) only when the sources are newer than the last build, so `npm start`
// stays fast after the first run and a fresh clone still gets a working UI with no extra step.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { newestMtime } from './newest-mtime.mjs';

const web = fileURLToPath(new URL('../web/', import.meta.url));
const distIndex = join(web, 'dist', 'index.html');

/** True when web/dist is missing or older than anything it is built from. */
export function webBuildIsStale() {
  if (!existsSync(distIndex)) return true;
  const built = statSync(distIndex).mtimeMs;
  // the console also compiles the repo-root shared/ shapes and state machine
  const sources = [...['src', 'public', 'index.html', 'vite.config.ts'].map((p) => newestMtime(join(web, p))), newestMtime(join(web, '..', 'shared'))];
  return Math.max(...sources) > built;
}

const lockDir = join(web, '.build-lock');

/**
 * One build at a time: test files run in parallel processes and each makes sure the console is built; a second
 * build emptying web/dist under a server that is serving it would break the first. mkdir is atomic.
 */
async function withLock(fn) {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock older than five minutes belongs to a build that died.
      if (Date.now() - statSync(lockDir).mtimeMs > 300_000) rmSync(lockDir, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Runs `vite build` when needed; resolves to whether it built. */
export async function ensureWebBuilt({ force = false, quiet = false } = {}) {
  if (!force && !webBuildIsStale()) return false;
  return withLock(() => build({ force, quiet }));
}

async function build({ force, quiet }) {
  // Someone else may have built while we waited for the lock.
  if (!force && !webBuildIsStale()) return false;
  let vite;
  try {
    vite = await import('vite');
  } catch {
    // An install without dev dependencies can still serve the API; say why there is no console.
    console.warn('[build-web] vite is not installed (npm install without --omit=dev builds the console); serving the API only');
    return false;
  }
  const started = Date.now();
  if (!quiet) console.log('[build-web] building the web console (web/ → web/dist) …');
  await vite.build({ configFile: join(web, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
  if (!quiet) console.log(`[build-web] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await ensureWebBuilt({ force: process.argv.includes('--force') });
}
