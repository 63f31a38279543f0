import { Alert } from 'antd';
import { Map as MapLibreMap, Marker, addProtocol, NavigationControl, setWorkerUrl, type GeoJSONSource, type LngLatBoundsLike, type MapLayerMouseEvent, type MapMouseEvent, type StyleSpecification, type FilterSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { Protocol } from 'pmtiles';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useUiConfig } from '../auth/ui-config.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { areaFillColor, openCaseSteps, type AreaCollection, type MapPoint } from '../lib/map-data.ts';

// The bundler renames files; tell MapLibre where its worker ended up.
setWorkerUrl(workerUrl);
// pmtiles://… sources read a .pmtiles archive from this server by HTTP range requests: offline raster tiles.
addProtocol('pmtiles', new Protocol().tile);

/**
 * The console's map. With no tile URL configured it draws a plain background, so it works on an offline
 * government network; with MAP_TILE_URL it adds that raster basemap underneath.
 */
export function baseStyle(tileUrl: string | null, attribution: string | null, pmtilesUrl: string | null = null): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f5' } }],
  };
  if (pmtilesUrl) {
    style.sources.basemap = { type: 'raster', url: `pmtiles://${new URL(pmtilesUrl, window.location.href).href}`, tileSize: 256, ...(attribution ? { attribution } : {}) };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  } else if (tileUrl) {
    style.sources.basemap = { type: 'raster', tiles: [tileUrl], tileSize: 256, ...(attribution ? { attribution } : {}) };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  return style;
}

/**
 * No tile server (the default, e.g. on a government intranet): streets and places the platform itself holds,
 * drawn above the area tint so they read through it. No labels: text needs glyph files, and none ship offline.
 */
function addOfflineBasemap(map: MapLibreMap) {
  // The worker fetches the URL, and a worker does not resolve paths against the page; make it absolute.
  map.addSource('basemap', { type: 'geojson', data: new URL('/api/v1/geo/basemap', window.location.href).href });
  const street = (rank: number): FilterSpecification => ['all', ['==', ['get', 'kind'], 'street'], ['==', ['get', 'rank'], rank]];
  map.addLayer({ id: 'basemap-water', type: 'fill', source: 'basemap', filter: ['==', ['get', 'kind'], 'water'], paint: { 'fill-color': '#a8cbe8' } });
  map.addLayer({ id: 'basemap-streets-minor', type: 'line', source: 'basemap', filter: street(2), paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.6, 15, 4] } });
  map.addLayer({ id: 'basemap-streets-main', type: 'line', source: 'basemap', filter: street(1), paint: { 'line-color': '#f7d98b', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.6, 15, 8] } });
  map.addLayer({
    id: 'basemap-places',
    type: 'circle',
    source: 'basemap',
    minzoom: 12,
    filter: ['==', ['get', 'kind'], 'landmark'],
    paint: { 'circle-radius': 2.5, 'circle-color': '#6b7785' },
  });
}

export interface MapViewProps {
  height?: number | string;
  areas?: AreaCollection | null;
  points?: MapPoint[];
  /** a chosen location, drawn as a marker */
  picked?: [number, number] | null;
  onPick?: (lon: number, lat: number) => void;
  bounds?: [number, number, number, number] | null;
  onAreaClick?: (code: string) => void;
  onPointClick?: (id: string) => void;
  /** the view after each move or zoom ([w,s,e,n], zoom), and once when the map is ready */
  onViewChange?: (bbox: [number, number, number, number], zoom: number) => void;
  label: string;
  showLegend?: boolean;
}

const emptyFc = { type: 'FeatureCollection' as const, features: [] };
type GeoJsonData = Parameters<GeoJSONSource['setData']>[0];

export function MapView({ height = 420, areas, points, picked, onPick, bounds, onAreaClick, onPointClick, onViewChange, label, showLegend }: MapViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const handlers = useRef({ onPick, onAreaClick, onPointClick, onViewChange });
  handlers.current = { onPick, onAreaClick, onPointClick, onViewChange };
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const ui = useUiConfig();
  const { t } = useLocale();

  useEffect(() => {
    if (!box.current) return;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({ container: box.current, style: baseStyle(ui.mapTileUrl, ui.mapAttribution, ui.mapPmtilesUrl), center: [120.2, 30.25], zoom: 10, attributionControl: ui.mapTileUrl || ui.mapPmtilesUrl ? {} : false });
    } catch {
      setFailed(true);
      return;
    }
    mapRef.current = map;
    // Browser tests ask the live map what it drew (queryRenderedFeatures); nothing in the app reads this.
    (box.current as HTMLDivElement & { maplibre?: MapLibreMap }).maplibre = map;
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => {
      map.addSource('areas', { type: 'geojson', data: emptyFc });
      map.addLayer({ id: 'areas-fill', type: 'fill', source: 'areas', paint: { 'fill-color': areaFillColor(), 'fill-opacity': 0.55 } });
      if (!ui.mapTileUrl && !ui.mapPmtilesUrl) addOfflineBasemap(map);
      map.addLayer({ id: 'areas-line', type: 'line', source: 'areas', paint: { 'line-color': '#4b5d73', 'line-width': 0.8 } });
      map.addSource('points', { type: 'geojson', data: emptyFc });
      map.addLayer({
        id: 'points',
        type: 'circle',
        source: 'points',
        // a cluster (count > 1) grows with the number of cases it stands for
        paint: { 'circle-radius': ['interpolate', ['linear'], ['coalesce', ['get', 'count'], 1], 1, 6, 100, 14, 10000, 24], 'circle-color': ['coalesce', ['get', 'color'], '#1456b8'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 },
      });
      map.on('click', 'points', (e: MapLayerMouseEvent) => {
        const id = e.features?.[0]?.properties?.id;
        if (id && handlers.current.onPointClick) handlers.current.onPointClick(String(id));
      });
      map.on('click', 'areas-fill', (e: MapLayerMouseEvent) => {
        const code = e.features?.[0]?.properties?.code;
        if (code && handlers.current.onAreaClick && !handlers.current.onPick) handlers.current.onAreaClick(String(code));
      });
      setReady(true);
    });
    const view = () => {
      const b = map.getBounds();
      handlers.current.onViewChange?.([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], map.getZoom());
    };
    map.on('moveend', view);
    map.once('load', view);
    map.on('click', (e: MapMouseEvent) => handlers.current.onPick?.(Number(e.lngLat.lng.toFixed(6)), Number(e.lngLat.lat.toFixed(6))));
    return () => {
      map.remove();
      mapRef.current = null;
      setReady(false);
    };
  }, [ui.mapTileUrl, ui.mapAttribution, ui.mapPmtilesUrl]);

  useEffect(() => {
    if (!ready) return;
    (mapRef.current?.getSource('areas') as GeoJSONSource | undefined)?.setData((areas ?? emptyFc) as GeoJsonData);
  }, [ready, areas]);

  useEffect(() => {
    if (!ready) return;
    const fc = {
      type: 'FeatureCollection' as const,
      features: (points ?? []).map((p) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] }, properties: { id: p.id, color: p.color ?? null, count: p.count ?? 1 } })),
    };
    (mapRef.current?.getSource('points') as GeoJSONSource | undefined)?.setData(fc as GeoJsonData);
  }, [ready, points]);

  // By value: callers may compute a new (equal) array on every render, which must not re-fit a map the user moved.
  const boundsKey = bounds ? bounds.join(',') : '';
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !boundsKey) return;
    map.fitBounds(boundsKey.split(',').map(Number) as unknown as LngLatBoundsLike, { padding: 24, duration: 0 });
  }, [boundsKey, ready]);

  const pickedKey = picked ? picked.join(',') : '';
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    markerRef.current?.remove();
    markerRef.current = pickedKey ? new Marker({ color: '#c0392b' }).setLngLat(pickedKey.split(',').map(Number) as [number, number]).addTo(map) : null;
  }, [pickedKey, ready]);

  if (failed) return <Alert type="warning" showIcon message={t('map.no_webgl')} />;
  return (
    <div className="map-box" style={{ height }}>
      <div ref={box} role="region" aria-label={label} style={{ position: 'absolute', inset: 0 }} data-testid="map" data-ready={ready ? 'true' : 'false'} />
      {showLegend && (
        <div className="map-legend" aria-hidden>
          <strong>{t('map.legend')}</strong>
          {openCaseSteps.map(([min, color]) => (
            <div key={min}>
              <i style={{ background: color }} />
              {t('map.open_cases', { n: min === 0 ? '0' : `≥${min}` })}
            </div>
          ))}
          {!ui.mapTileUrl && !ui.mapPmtilesUrl && <div style={{ color: '#555' }}>{t('map.offline_basemap')}</div>}
        </div>
      )}
    </div>
  );
}
