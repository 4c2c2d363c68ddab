// The rest of the synthetic demo (issue 13): schools, hubs, term dates, school routes, a walking network,
// an intervention register with every type and some history, and a Clear-Hold-Build area with a control
// area, all placed on the synthetic wards and dated inside the synthetic months. Pure and seeded: the same
// demo and seed give the same extras. Every name says it is synthetic.
import { centroid, pointOnFeature } from '@turf/turf';
import type { Feature, FeatureCollection, LineString, Point } from 'geojson';
import { mulberry32, type SyntheticDemo } from './synthetic.js';

export interface SyntheticSite {
  id: string;
  name: string;
  lon: number;
  lat: number;
}

export interface SyntheticIntervention {
  type: string;
  name: string;
  geometry: { type: 'Point'; coordinates: [number, number] } | { type: 'Polygon'; coordinates: [number, number][][] };
  starts_on: string;
  ends_on: string | null;
  owner: string;
  notes: string;
  /** Later edits (history): each a patch applied in order; `end` ends it on that date. */
  edits: ({ notes: string; owner?: string } | { end: string })[];
}

export interface SyntheticExtras {
  schools: FeatureCollection<Point, { URN: string; EstablishmentName: string }>;
  hubs: FeatureCollection<Point, { AtcoCode: string; CommonName: string }>;
  terms: { name: string; starts_on: string; ends_on: string }[];
  /** Routes from a hub to a school (by their ids in the files above). */
  routes: { name: string; schoolId: string; hubId: string; coordinates: [number, number][] }[];
  network: FeatureCollection<LineString, { kind: string }>;
  interventions: SyntheticIntervention[];
  chb: {
    name: string;
    areaWards: string[];
    controlWards: string[];
    clear_start: string;
    hold_start: string;
    build_start: string;
    build_end: string;
  };
}

/** Every built-in intervention type (migration 007). */
export const INTERVENTION_TYPES = [
  'youth_hub',
  'safe_haven',
  'cctv_camera',
  'patrol_point',
  'outreach_site',
  'enforcement_operation',
  'environmental_works',
] as const;

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const addMonthsTo = (month: string, n: number) => {
  const i = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

export function generateSyntheticExtras(demo: SyntheticDemo, seed = demo.options.seed): SyntheticExtras {
  const rnd = mulberry32(seed ^ 0x5eed);
  const wards = demo.boundaries.features;
  const inside = wards.map((w) => pointOnFeature(w).geometry.coordinates as [number, number]);
  const centres = wards.map((w) => centroid(w).geometry.coordinates as [number, number]);
  // A point between a ward's centroid and an inside point: inside the (convex, Voronoi) ward.
  const near = (i: number, t: number): [number, number] => [
    r6(centres[i][0] + (inside[i][0] - centres[i][0]) * t),
    r6(centres[i][1] + (inside[i][1] - centres[i][1]) * t),
  ];
  const pointFc = <P>(items: { p: [number, number]; props: P }[]) => ({
    type: 'FeatureCollection' as const,
    features: items.map(
      ({ p, props }): Feature<Point, P> => ({ type: 'Feature', properties: props, geometry: { type: 'Point', coordinates: p } }),
    ),
  });

  const schoolWards = wards
    .map((_, i) => i)
    .filter((i) => i % 2 === 0)
    .slice(0, 6);
  const schools = schoolWards.map((i, k) => ({
    id: `X${900001 + k}`,
    name: `Synthetic Demo School ${k + 1}`,
    p: near(i, 0.3 + rnd() * 0.4),
  }));
  const hubWards = wards
    .map((_, i) => i)
    .filter((i) => i % 3 === 1)
    .slice(0, 4);
  const hubs = hubWards.map((i, k) => ({
    id: `X9HUB${k + 1}`,
    name: `Synthetic Demo Station ${k + 1}`,
    p: centres[i].map(r6) as [number, number],
  }));

  // Term dates: three terms per school year over the demo's months.
  const first = demo.options.startMonth;
  const last = addMonthsTo(first, demo.options.months - 1);
  const terms: SyntheticExtras['terms'] = [];
  for (let y = Number(first.slice(0, 4)) - 1; y <= Number(last.slice(0, 4)); y++) {
    terms.push({ name: `Autumn ${y} (synthetic)`, starts_on: `${y}-09-04`, ends_on: `${y}-12-19` });
    terms.push({ name: `Spring ${y + 1} (synthetic)`, starts_on: `${y + 1}-01-06`, ends_on: `${y + 1}-03-28` });
    terms.push({ name: `Summer ${y + 1} (synthetic)`, starts_on: `${y + 1}-04-22`, ends_on: `${y + 1}-07-22` });
  }

  // Routes: each of the first schools from its nearest hub, with a bend halfway.
  const routes = schools.slice(0, 3).map((s, k) => {
    const h = hubs.reduce((best, x) =>
      Math.hypot(x.p[0] - s.p[0], x.p[1] - s.p[1]) < Math.hypot(best.p[0] - s.p[0], best.p[1] - s.p[1]) ? x : best,
    );
    const mid: [number, number] = [
      r6((h.p[0] + s.p[0]) / 2 + (rnd() - 0.5) * 0.002),
      r6((h.p[1] + s.p[1]) / 2 + (rnd() - 0.5) * 0.002),
    ];
    return {
      name: `Synthetic route ${k + 1}: ${h.name} to ${s.name}`,
      schoolId: s.id,
      hubId: h.id,
      coordinates: [h.p, mid, s.p],
    };
  });

  // Walking network: a street grid (~250 m) over the wards' extent, plus each route as a footway.
  const xs = wards.flatMap((w) =>
    (w.geometry.type === 'Polygon' ? w.geometry.coordinates : w.geometry.coordinates.flat()).flat().map((c) => c[0]),
  );
  const ys = wards.flatMap((w) =>
    (w.geometry.type === 'Polygon' ? w.geometry.coordinates : w.geometry.coordinates.flat()).flat().map((c) => c[1]),
  );
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const stepY = 0.00225; // ~250 m
  const stepX = stepY / Math.cos((demo.options.centre[1] * Math.PI) / 180);
  const lines: Feature<LineString, { kind: string }>[] = [];
  for (let x = minX; x <= maxX; x += stepX) {
    const col: [number, number][] = [];
    for (let y = minY; y <= maxY + 1e-9; y += stepY) col.push([r6(x), r6(y)]);
    for (let i = 1; i < col.length; i++)
      lines.push({
        type: 'Feature',
        properties: { kind: 'synthetic street' },
        geometry: { type: 'LineString', coordinates: [col[i - 1], col[i]] },
      });
  }
  for (let y = minY; y <= maxY; y += stepY) {
    const row: [number, number][] = [];
    for (let x = minX; x <= maxX + 1e-9; x += stepX) row.push([r6(x), r6(y)]);
    for (let i = 1; i < row.length; i++)
      lines.push({
        type: 'Feature',
        properties: { kind: 'synthetic street' },
        geometry: { type: 'LineString', coordinates: [row[i - 1], row[i]] },
      });
  }

  // Register: one intervention of every type near the planted hotspots, some ended, some edited.
  const hs = demo.hotspots;
  const startOf = (n: number) => `${addMonthsTo(first, n)}-01`;
  const interventions: SyntheticIntervention[] = INTERVENTION_TYPES.map((type, k) => {
    const h = hs[k % hs.length];
    const p: [number, number] = [r6(h.lon + (rnd() - 0.5) * 0.003), r6(h.lat + (rnd() - 0.5) * 0.002)];
    const d = 0.0015;
    const geometry: SyntheticIntervention['geometry'] =
      type === 'environmental_works'
        ? {
            type: 'Polygon',
            coordinates: [
              [
                [r6(p[0] - d), r6(p[1] - d / 2)],
                [r6(p[0] + d), r6(p[1] - d / 2)],
                [r6(p[0] + d), r6(p[1] + d / 2)],
                [r6(p[0] - d), r6(p[1] + d / 2)],
                [r6(p[0] - d), r6(p[1] - d / 2)],
              ],
            ],
          }
        : { type: 'Point', coordinates: p };
    const edits: SyntheticIntervention['edits'] = [
      { notes: `Synthetic demo: reviewed after three months (${h.name}).`, owner: 'Synthetic partnership team' },
    ];
    if (k % 3 === 2) edits.push({ end: startOf(18) });
    return {
      type,
      name: `Synthetic ${type.replace(/_/g, ' ')} (${h.name})`,
      geometry,
      starts_on: startOf(6 + (k % 4)),
      ends_on: null,
      owner: 'Synthetic community safety team',
      notes: 'Synthetic demo: invented, not a real intervention.',
      edits,
    };
  });

  // Clear-Hold-Build in the ward of the first hotspot; the control is the ward farthest from it (clear of
  // the displacement buffer around the area).
  const at = wards.findIndex((w) => w.properties.code === hs[0].ward);
  const dist = (i: number) => Math.hypot(centres[i][0] - centres[at][0], centres[i][1] - centres[at][1]);
  const control = wards[wards.map((_, i) => i).reduce((a, b) => (dist(b) > dist(a) ? b : a))].properties.code;
  const chb = {
    name: `Synthetic Clear-Hold-Build: ${hs[0].name}`,
    areaWards: [hs[0].ward],
    controlWards: [control],
    clear_start: startOf(12),
    hold_start: startOf(15),
    build_start: startOf(18),
    build_end: startOf(demo.options.months),
  };

  return {
    schools: pointFc(schools.map((s) => ({ p: s.p, props: { URN: s.id, EstablishmentName: s.name } }))),
    hubs: pointFc(hubs.map((h) => ({ p: h.p, props: { AtcoCode: h.id, CommonName: h.name } }))),
    terms,
    routes,
    network: { type: 'FeatureCollection', features: lines },
    interventions,
    chb,
  };
}
