// The map of the mobile teams' work: the region's boundaries (countries and their first
// administrative level), the locations, and the people met there in a month, as layers
// with counts. Everything comes from this Haven server: Leaflet and the boundaries are
// vendored, and street maps show only when the operator has configured a PMTiles file
// of OpenStreetMap (haven serve --tiles), read in byte ranges from /tiles/.
import { h } from '../dom.js';
import { t, fmtNumber, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { cachedGet } from '../offline.js';
import { frame } from '../outreach/common.js';

const scripts = new Map();
function loadScript(src) {
  if (!scripts.has(src)) {
    scripts.set(src, new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error(`cannot load ${src}`));
      document.head.append(s);
    }));
  }
  return scripts.get(src);
}

function loadCss(href) {
  if (!document.querySelector(`link[href="${href}"]`)) document.head.append(h('link', { rel: 'stylesheet', href }));
}

// The operator's tile file, when there is one: vector tiles through protomaps-leaflet,
// raster tiles through pmtiles' own Leaflet layer.
async function tileLayer(L) {
  let res;
  try {
    res = await fetch('/tiles/region.pmtiles', { method: 'HEAD' });
  } catch {
    return null;
  }
  if (!res.ok) return null;
  await loadScript('/vendor/pmtiles.js');
  const archive = new window.pmtiles.PMTiles('/tiles/region.pmtiles');
  const header = await archive.getHeader();
  const attribution = '© OpenStreetMap contributors';
  if (header.tileType === window.pmtiles.TileType.Mvt) {
    await loadScript('/vendor/protomaps-leaflet.js');
    return window.protomapsL.leafletLayer({ url: '/tiles/region.pmtiles', flavor: 'light', lang: 'en', attribution });
  }
  return window.pmtiles.leafletRasterLayer(archive, { attribution, maxZoom: header.maxZoom });
}

function monthNow() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

export default async function render({ root, app, query }) {
  frame(root, app, 'outreach.map.title');
  loadCss('/vendor/leaflet/leaflet.css');
  const month = query.get('month') || monthNow();
  const monthInput = h('input', { type: 'month', id: 'map-month', value: month });
  const pick = h('form', { class: 'toolbar', id: 'map-month-form' },
    h('div', { class: 'field' }, h('label', { for: 'map-month' }, t('outreach.map.month')), monthInput),
    h('button', { type: 'submit', class: 'btn' }, t('outreach.map.show')));
  pick.addEventListener('submit', (e) => { e.preventDefault(); app.navigate(`/outreach/map?month=${monthInput.value}`); });
  const mapEl = h('div', { id: 'outreach-map', class: 'or-map', role: 'region', 'aria-label': t('outreach.map.label') });
  const legend = h('p', { class: 'hint', id: 'map-legend' });
  root.append(pick, mapEl, legend);

  await loadScript('/vendor/leaflet/leaflet.js');
  const L = window.L;
  const [boundaries, figures] = await Promise.all([
    fetch('/vendor/boundaries.json').then((r) => r.json()),
    cachedGet(`/api/v1/outreach/figures?month=${encodeURIComponent(month)}`),
  ]);
  const map = L.map(mapEl, { preferCanvas: true }).setView([44.2, 17.6], 7);
  map.attributionControl.addAttribution('Natural Earth');
  const base = await tileLayer(L).catch(() => null);
  if (base) base.addTo(map);
  const borders = L.geoJSON(boundaries, {
    style: (f) => (f.properties.level === 0
      ? { color: '#123766', weight: 2, fill: !base, fillColor: '#f5f7fa', fillOpacity: f.properties.country === 'BA' ? 0.9 : 0.5 }
      : { color: '#4a5360', weight: 0.8, dashArray: '3 3', fill: false }),
    onEachFeature: (f, layer) => { if (f.properties.level === 1 && f.properties.name) layer.bindTooltip(f.properties.name, { sticky: true }); },
  }).addTo(map);
  const locations = L.layerGroup();
  const people = L.layerGroup();
  for (const l of figures.locations) {
    const popup = `${l.name} — ${tOf(KEYS.OUTREACH_KIND, l.kind)}, ${l.municipality}<br>${t('outreach.map.popup', { visits: fmtNumber(l.visits), people: fmtNumber(l.people), transported: fmtNumber(l.transported) })}`;
    const holder = document.createElement('div');
    holder.textContent = popup.replace('<br>', '\n');
    holder.style.whiteSpace = 'pre-line';
    L.circleMarker([l.latitude, l.longitude], { radius: 5, color: l.active ? '#1d4f91' : '#6b7480', weight: 2, fillColor: '#fff', fillOpacity: 1 })
      .bindTooltip(l.name).bindPopup(holder).addTo(locations);
    if (l.people > 0) {
      L.circleMarker([l.latitude, l.longitude], { radius: 4 + Math.sqrt(l.people) * 1.6, color: '#a4161a', weight: 1, fillColor: '#a4161a', fillOpacity: 0.35 })
        .bindTooltip(t('outreach.map.people_at', { name: l.name, n: fmtNumber(l.people) })).addTo(people);
    }
  }
  people.addTo(map);
  locations.addTo(map);
  L.control.layers(null, {
    [t('outreach.map.layer_boundaries')]: borders,
    [t('outreach.map.layer_locations', { n: fmtNumber(figures.locations.length) })]: locations,
    [t('outreach.map.layer_people', { n: fmtNumber(figures.totals.people) })]: people,
  }, { collapsed: window.innerWidth < 600 }).addTo(map);
  legend.textContent = t('outreach.map.legend', { visits: fmtNumber(figures.totals.visits), people: fmtNumber(figures.totals.people), month: figures.month })
    + (base ? '' : ` ${t('outreach.map.no_tiles')}`);
  mapEl.dataset.ready = String(figures.locations.length);
  // The same figures as a table, for screen readers and print.
  const visited = figures.locations.filter((l) => l.visits > 0).sort((a, b) => b.people - a.people);
  root.append(h('details', { class: 'data-table' }, h('summary', {}, t('outreach.map.table')),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('outreach.map.table') }, h('table', { id: 'map-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('outreach.locations.name')), h('th', { scope: 'col', class: 'num' }, t('outreach.locations.visits')),
        h('th', { scope: 'col', class: 'num' }, t('outreach.home.people')), h('th', { scope: 'col', class: 'num' }, t('outreach.home.transported')))),
      h('tbody', {}, visited.map((l) => h('tr', {}, h('th', { scope: 'row' }, l.name), h('td', { class: 'num' }, fmtNumber(l.visits)),
        h('td', { class: 'num' }, fmtNumber(l.people)), h('td', { class: 'num' }, fmtNumber(l.transported)))))))));
}
