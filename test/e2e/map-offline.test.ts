import { describe, expect, it } from 'vitest';
import { jsErrors, mapReady, person, shot, signIn, useStage } from './browser.ts';

/**
 * The map without internet (issue 18): a government PC that reaches nothing but the platform. Every request
 * that leaves localhost is aborted, and the grid worker's map must still show streets and the grid.
 */
const stage = useStage();

describe('the grid worker map offline', () => {
  it('draws the platform-held streets and the grid outline with every outside request aborted', async () => {
    const worker = await person(stage);
    const outside: string[] = [];
    await worker.context.route(
      (url) => !['127.0.0.1', 'localhost'].includes(url.hostname),
      (route) => {
        outside.push(route.request().url());
        return route.abort('internetdisconnected');
      },
    );
    await signIn(worker.page, 'gridworker');
    await worker.page.goto('/grid');
    await worker.page.getByRole('tab', { name: '我的网格' }).click();
    await mapReady(worker.page);
    const map = worker.page.locator('[data-testid=map][data-ready=true]').first();
    // The basemap GeoJSON arrives after 'load'; wait until streets are actually rendered, then count.
    const counts = () =>
      map.evaluate((el) => {
        const m = (el as unknown as { maplibre: import('maplibre-gl').Map }).maplibre;
        const layers = ['basemap-streets-main', 'basemap-streets-minor', 'areas-line'];
        const style = m.getStyle().layers.map((l: { id: string }) => l.id);
        return Object.fromEntries(layers.map((id) => [id, style.includes(id) ? m.queryRenderedFeatures({ layers: [id] }).length : -1]));
      });
    await expect.poll(async () => ((c) => c['areas-line']! > 0 && c['basemap-streets-main']! + c['basemap-streets-minor']! > 0)(await counts()), { timeout: 20_000 }).toBe(true).catch(async (e: unknown) => {
      throw new Error(`rendered ${JSON.stringify(await counts())}: ${String(e)}`);
    });
    const drawn = await counts();
    expect(drawn['areas-line']).toBeGreaterThan(0);
    expect(drawn['basemap-streets-main']! + drawn['basemap-streets-minor']!).toBeGreaterThan(0);
    expect(drawn['basemap-streets-main']).not.toBe(-1);
    expect(drawn['basemap-streets-minor']).not.toBe(-1);
    await shot(worker.page, 'grid-worker-map-offline');
    expect(jsErrors(worker.page)).toEqual([]);
    // Nothing tried to leave the machine (no tile, font or CDN request).
    expect(outside).toEqual([]);
  }, 120_000);
});
