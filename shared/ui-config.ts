import { z } from 'zod';

/** Public settings the console reads before sign-in. Kept free of server imports: the SPA type-checks against it. */
export const uiConfig = z.object({
  mapTileUrl: z.string().nullable().describe('raster XYZ template; null = offline plain background'),
  mapAttribution: z.string().nullable(),
  mapPmtilesUrl: z.string().nullable().describe('same-origin raster PMTiles archive (range requests); null = none'),
  mode: z.enum(['demo', 'production']).nullable(),
  demoAccounts: z.array(z.object({ username: z.string(), displayName: z.string(), roles: z.array(z.string()) })),
  demoPassword: z.string().nullable().describe('only the public default password, and only in demo mode'),
  serverTime: z.string().describe('the server clock, so deadline clocks in the browser do not depend on the PC clock'),
});
