#!/usr/bin/env node
// Bundles the server and CLI (src/cli/main.ts) into dist/server/civicgrid.mjs with esbuild (the compiler tsx
// itself runs), so `npm start` loads one file instead of compiling and resolving ~500 TypeScript modules
// through tsx's loader hooks at every start (D1 revisited: restart time); most npm packages go into it too.
// bin/civicgrid.js uses the bundle only while it is newer than every source; otherwise it runs the sources
// through tsx as before, so editing a file and running `civicgrid` never runs stale code.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { newestMtime } from './newest-mtime.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
export const bundlePath = join(root, 'dist', 'server', 'civicgrid.mjs');
export const triageWorkerPath = join(root, 'dist', 'server', 'triage-worker.mjs');
export const pgliteWorkerPath = join(root, 'dist', 'server', 'pglite-worker.mjs');
export const pgliteBootPath = join(root, 'dist', 'server', 'pglite-boot.mjs');

/** True when the bundle is missing or older than anything it is built from (sources, shared/, the lockfile). */
export function serverBuildIsStale() {
  if (![bundlePath, triageWorkerPath, pgliteWorkerPath, pgliteBootPath].every((p) => existsSync(p))) return true;
  const built = statSync(bundlePath).mtimeMs;
  return Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'shared')), newestMtime(join(root, 'package-lock.json'))) > built;
}

/**
 * Each module's `import.meta.url` becomes its own source file's URL (relative to the bundle), so the paths the
 * code reads next to itself (migrations, taxonomy, shipped data, web/dist, the triage code digest) are the
 * same as under tsx — the triage model key included.
 */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
      const rel = relative(dirname(bundlePath), args.path).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

/**
 * npm packages are bundled too: resolving and loading ~1,500 package files through Node's ESM loader (and
 * lexing every CommonJS one for its exports) took 0.75 s of each start, twice the compile time of the same
 * code as one file. Kept external: native addons, packages that read files or start workers next to their own
 * source (PGlite's wasm and extension bundles, pino's transports, swagger-ui's static files), and what only a
 * CLI command or a dev tool loads.
 */
const keepExternal = ['@node-rs/*', '@electric-sql/pglite', '@electric-sql/pglite/*', 'pino', 'pino-pretty', 'thread-stream', '@fastify/swagger-ui', 'pg-native', 'esbuild', 'tsx', 'tsx/*', 'playwright-core', 'exceljs', 'vite'];

/** Builds the bundle when needed; resolves to whether it built. */
export async function ensureServerBuilt({ force = false } = {}) {
  if (!force && !serverBuildIsStale()) return false;
  const { build } = await import('esbuild');
  const common = {
    bundle: true, platform: 'node', format: 'esm', target: 'node20', external: keepExternal, sourcemap: 'linked', plugins: [ownUrl], logLevel: 'warning',
    // bundled CommonJS packages call require() for Node's own modules, which an ES module does not have
    banner: { js: "import { createRequire as __civicgridRequire } from 'node:module'; const require = __civicgridRequire(import.meta.url);" },
  };
  // The worker threads (the triage model, src/server/triage/worker.ts; PGlite, src/server/db/pglite-worker.ts)
  // are their own entries next to the server bundle, built first so the bundle's mtime (the staleness check)
  // covers them. The server bundle marks itself with its own URL so a worker is started from its .mjs, not
  // from the TypeScript source its import.meta.url names (src/server/threads.ts).
  await build({ ...common, entryPoints: [join(root, 'src', 'server', 'triage', 'worker.ts')], outfile: triageWorkerPath });
  await build({ ...common, entryPoints: [join(root, 'src', 'server', 'db', 'pglite-worker.ts')], outfile: pgliteWorkerPath });
  // the boot's first step (bin/civicgrid.js): lock the data dir and start the database thread, before the bundle loads
  await build({ ...common, entryPoints: [join(root, 'src', 'server', 'db', 'pglite-thread.ts')], outfile: pgliteBootPath, banner: { js: `${common.banner.js} globalThis.__civicgridBundleUrl = import.meta.url;` } });
  await build({
    ...common,
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: bundlePath,
    banner: { js: `${common.banner.js} globalThis.__civicgridBundleUrl = import.meta.url;` },
  });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  if (await ensureServerBuilt({ force: process.argv.includes('--force') })) console.log(`server bundle built in ${Date.now() - started} ms: ${relative(root, bundlePath)}`);
}
