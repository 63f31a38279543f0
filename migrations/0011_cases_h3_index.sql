-- 0011: "near this point" searches over cases (并单 at intake, alarm dedupe) look up the H3 cells around the point instead of scanning a latitude band across the whole city.

-- The (lat, lon) btree could only narrow by latitude: each search read every open case in a band the width of
-- the city. The cell index reads the cases around the point, however many the city has.
create index cases_h3 on cases (h3) where h3 is not null;
drop index cases_lat_lon;
