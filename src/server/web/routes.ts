import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import { problem } from '../errors.ts';
import { sendProblem } from '../http/problem.ts';
import { getSetting, type DeploymentMode } from '../db/settings-store.ts';
import { demoAccounts } from '../org/demo-accounts.ts';
import { portalRoutes } from './portal-routes.ts';
import { uiConfig } from '../../../shared/ui-config.ts';

/** The built console (vite build → web/dist); resolved from this file so the cwd does not matter. */
export const defaultWebDist = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const DEFAULT_DEMO_PASSWORD = 'demo-pass-2026';

/** Paths the SPA must never swallow: an unknown API URL stays a problem+json 404, not index.html. */
const apiPrefixes = ['/api/', '/open311/', '/ngsi-ld/', '/healthz', '/readyz'];

/**
 * Serves the operations console and citizen portal: static files from web/dist, index.html for any other
 * non-API GET (client-side routes), and the public UI settings. Registered after every capability so their
 * routes win over the catch-all.
 */
export const webRoutes =
  (deps: Deps, opts: { cases?: CaseService; distDir?: string } = {}): FastifyPluginAsyncZod =>
  async (app) => {
    const distDir = opts.distDir ?? defaultWebDist;
    if (opts.cases) await app.register(portalRoutes(opts.cases));
    const pmtiles = deps.config.MAP_PMTILES_PATH ? resolve(deps.config.MAP_PMTILES_PATH) : null;
    // The MapLibre pmtiles protocol reads the archive by byte ranges; @fastify/static (send) answers Range requests.
    if (pmtiles)
      await app.register(fastifyStatic, { root: dirname(pmtiles), prefix: '/map-tiles/', decorateReply: false, index: false, allowedPath: (path) => path === `/${basename(pmtiles)}` });

    app.get(
      '/api/v1/ui/config',
      { schema: { tags: ['ui'], summary: 'Public settings the console needs before sign-in (map tiles, demo hints, server time)', security: [], response: { 200: uiConfig } } },
      async () => {
        const mode = (await getSetting<DeploymentMode>(deps.db, 'mode')) ?? null;
        const demo = mode === 'demo';
        return {
          // 天地图 and similar need their key in every tile URL; it is public to browsers by design, so only logs must not carry it.
          mapTileUrl: deps.config.MAP_TILE_URL ? deps.config.MAP_TILE_URL.replace('{key}', encodeURIComponent(deps.config.MAP_TILE_KEY ?? '')) : null,
          mapPmtilesUrl: pmtiles ? `/map-tiles/${encodeURIComponent(basename(pmtiles))}` : null,
          mapAttribution: deps.config.MAP_TILE_ATTRIBUTION ?? null,
          mode,
          demoAccounts: demo ? demoAccounts.map((a) => ({ username: a.username, displayName: a.displayName, roles: [...a.roles] })) : [],
          // A custom demo password is a secret of whoever set it; the default one is printed in the README anyway.
          demoPassword: demo && deps.config.CIVICGRID_DEMO_PASSWORD === DEFAULT_DEMO_PASSWORD ? DEFAULT_DEMO_PASSWORD : null,
          serverTime: deps.clock.now().toISOString(),
        };
      },
    );

    await app.register(fastifyStatic, { root: distDir, serve: false });

    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      const path = safeDecode(req.url.split('?')[0] ?? '/');
      if (apiPrefixes.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) {
        return sendProblem(reply, problem(404, 'route.not_found', `no route ${req.method} ${path}`));
      }
      const file = staticFile(distDir, path);
      if (file) {
        // Vite puts content hashes in asset names, so they may be cached for good; everything else revalidates.
        if (file.startsWith(`assets${sep}`)) return reply.sendFile(file, { maxAge: 31_536_000_000, immutable: true });
        reply.header('cache-control', 'no-cache');
        return reply.sendFile(file, { cacheControl: false });
      }
      if (!existsSync(resolve(distDir, 'index.html'))) {
        return sendProblem(reply, problem(404, 'web.not_built', 'the web console is not built; run `npm start` (it builds it) or `node scripts/build-web.mjs`'));
      }
      // Client-side routes (/intake, /cases/…) all load the app shell; it must never be cached stale.
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', { cacheControl: false });
    });
  };

/** A malformed escape is a path that matches no file, not a server error. */
function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A regular file inside distDir for this URL path, as a path relative to distDir; null otherwise. */
function staticFile(distDir: string, urlPath: string): string | null {
  if (urlPath === '/' || urlPath.includes('\0')) return null;
  const rel = normalize(urlPath).replace(/^([/\\])+/, '');
  const full = resolve(distDir, rel);
  if (!full.startsWith(resolve(distDir) + sep)) return null;
  try {
    return statSync(full).isFile() ? rel : null;
  } catch {
    return null;
  }
}
