-- 0002: the grid map — a polygon for every area level, specialist grid layers over the master hierarchy, and the geo version API nodes poll to refresh their in-memory index.

-- 区划边界 One shape per area (city, district, street, community, grid). Kept beside `areas` rather than in it
-- so that an area without a drawn boundary (a freshly created community) is still a valid area. The bbox and
-- centre are denormalised from the GeoJSON so candidate searches (overlap checks, map extents) need no parsing.
create table area_geometries (
  area_code text primary key references areas (code) on delete cascade,
  -- GeoJSON Polygon or MultiPolygon, WGS 84 [lon, lat]
  geometry jsonb not null check (geometry ->> 'type' in ('Polygon', 'MultiPolygon')),
  bbox_w double precision not null,
  bbox_s double precision not null,
  bbox_e double precision not null,
  bbox_n double precision not null,
  center_lon double precision not null,
  center_lat double precision not null,
  -- H3 cell (resolution 9) of the centre, so hotspot maps can join areas and located records on one key
  h3 text not null,
  area_m2 double precision not null,
  updated_at timestamptz not null default now(),
  check (bbox_w <= bbox_e and bbox_s <= bbox_n)
);
create index area_geometries_bbox on area_geometries (bbox_w, bbox_e, bbox_s, bbox_n);
create index area_geometries_h3 on area_geometries (h3);

-- 专业网格图层 Specialist grids (城管网格, 环卫作业网格, …) drawn by departments for their own work. They do not
-- replace the master social-governance grid (areas at level grid); each polygon is linked to the master
-- area it belongs to, which also gives it a data scope.
create table grid_layers (
  code text primary key check (code ~ '^[a-z][a-z0-9_-]{1,39}$'),
  name text not null,
  description text not null default '',
  department_code text references departments (code),
  created_at timestamptz not null default now()
);

create table layer_polygons (
  layer_code text not null references grid_layers (code) on delete cascade,
  code text not null check (code ~ '^[A-Za-z0-9_-]{1,40}$'),
  name text not null,
  area_code text not null references areas (code),
  geometry jsonb not null check (geometry ->> 'type' in ('Polygon', 'MultiPolygon')),
  bbox_w double precision not null,
  bbox_s double precision not null,
  bbox_e double precision not null,
  bbox_n double precision not null,
  center_lon double precision not null,
  center_lat double precision not null,
  h3 text not null,
  area_m2 double precision not null,
  updated_at timestamptz not null default now(),
  primary key (layer_code, code),
  check (bbox_w <= bbox_e and bbox_s <= bbox_n)
);
create index layer_polygons_area on layer_polygons (area_code);
create index layer_polygons_bbox on layer_polygons (layer_code, bbox_w, bbox_e);
