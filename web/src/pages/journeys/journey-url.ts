// The school-routes view as a URL query (/journeys?...): filters, the selected route and the camera, so
// a view can be shared. Pure (parse/format round trip tested); only values that differ from the
// defaults are written.
import { RANK_KEYS, type RankKey } from '../../../../contract/journeys';
import { DEFAULT_JOURNEY_FILTERS, type JourneyFilters } from '../../api/journeys';
import { formatCamera, type Camera } from '../../state/url-state';
import { isMonth } from '../../lib/months';

export interface JourneyView {
  filters: JourneyFilters;
  routeId: number | null;
  camera: Camera | null;
}

const SLUG = /^[a-z0-9][a-z0-9_-]*$/i;
const WINDOWS = /^(\d{2}:\d{2}-\d{2}:\d{2})(,\d{2}:\d{2}-\d{2}:\d{2})*$/;
const DAYS = /^[a-z,-]{3,60}$/;

const int = (s: string | null, min: number, max: number): number | null => {
  if (s === null || !/^\d{1,4}$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
};

function parseCamera(s: string | null): Camera | null {
  const [z, lat, lng] = (s ?? '').split('/').map(Number);
  if (!s || ![z, lat, lng].every(Number.isFinite) || z < 0 || z > 24 || Math.abs(lat) > 85 || Math.abs(lng) > 180) return null;
  return { zoom: z, lat, lng };
}

export function parseJourneyView(search: string): JourneyView {
  const q = new URLSearchParams(search);
  const d = DEFAULT_JOURNEY_FILTERS;
  const age = q.get('age');
  const rank = q.get('rank');
  const windows = q.get('windows');
  const days = q.get('days');
  const weights = q.get('weights');
  return {
    filters: {
      from: isMonth(q.get('from')) ? q.get('from') : null,
      to: isMonth(q.get('to')) ? q.get('to') : null,
      categories: (q.get('cat') ?? '').split(',').filter((c) => SLUG.test(c)),
      windows: windows && WINDOWS.test(windows) ? windows : d.windows,
      days: days && DAYS.test(days) ? days : d.days,
      termOnly: q.get('term') !== 'all',
      ageMax: age === 'none' ? null : (int(age, 0, 120) ?? d.ageMax),
      corridor: int(q.get('corridor'), 1, 500) ?? d.corridor,
      weights: weights && SLUG.test(weights) ? weights : d.weights,
      rankBy: RANK_KEYS.includes(rank as RankKey) ? (rank as RankKey) : d.rankBy,
      top: int(q.get('top'), 1, 100) ?? d.top,
    },
    routeId: int(q.get('route'), 1, 2 ** 31 - 1),
    camera: parseCamera(q.get('at')),
  };
}

export function formatJourneyView(v: JourneyView): string {
  const q = new URLSearchParams();
  const f = v.filters;
  const d = DEFAULT_JOURNEY_FILTERS;
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.categories.length) q.set('cat', f.categories.join(','));
  if (f.windows !== d.windows) q.set('windows', f.windows);
  if (f.days !== d.days) q.set('days', f.days);
  if (!f.termOnly) q.set('term', 'all');
  if (f.ageMax !== d.ageMax) q.set('age', f.ageMax === null ? 'none' : String(f.ageMax));
  if (f.corridor !== d.corridor) q.set('corridor', String(f.corridor));
  if (f.weights !== d.weights) q.set('weights', f.weights);
  if (f.rankBy !== d.rankBy) q.set('rank', f.rankBy);
  if (f.top !== d.top) q.set('top', String(f.top));
  if (v.routeId !== null) q.set('route', String(v.routeId));
  if (v.camera) q.set('at', formatCamera(v.camera));
  const s = q.toString().replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':');
  return s ? `?${s}` : '';
}
