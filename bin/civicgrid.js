#!/usr/bin/env node
// Runs the server bundle (scripts/build-server.mjs, built by `npm start`'s prestart) while it is newer than
// every source; otherwise the TypeScript sources directly through tsx, so the CLI needs no build step and
// never runs stale code. CIVICGRID_BUNDLE=0 forces the sources.
import { serverBuildIsStale, bundlePath, pgliteBootPath } from '../scripts/build-server.mjs';
import { pathToFileURL } from 'node:url';

if (process.env.CIVICGRID_BUNDLE !== '0' && !serverBuildIsStale()) {
  // `start` on PGlite: the database thread opens the data dir on the other core while the bundle loads (#19)
  if (process.argv[2] === 'start') (await import(pathToFileURL(pgliteBootPath).href)).startEarlyDatabase();
  await import(pathToFileURL(bundlePath).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
