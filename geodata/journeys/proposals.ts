// Candidate school-journey routes along the stored walking network (geodata/network/, the same graph and
// engine as planning coverage and outreach): for each school, its k nearest hubs by straight-line distance,
// and the shortest walk between them. School and hub join the network at the nearest point of the nearest
// edge by a straight leg of at most maxSnapM. Distances are metres on the British National Grid, as in
// planning: a proposal's length_m is the walking distance coverage gives for the same two points.
import { lonLatToBng } from '../planning/geometry.js';
import { snapLonLat, snapToNetwork, walksFrom, type NetworkGraph, type Snap } from '../network/index.js';
import { haversine, lineProblems, type Position } from './segment.js';

export interface Site {
  id: number;
  name: string;
  position: Position;
}

export interface Proposal {
  school_id: number;
  hub_id: number;
  name: string;
  /** Walking distance school → hub (m, grid): legs to and from the network and the walk along it. */
  length_m: number;
  /** Straight-line distance school → hub (m, grid), for comparison. */
  crow_m: number;
  geometry: { type: 'LineString'; coordinates: Position[] };
}

export interface ProposalProblem {
  school_id: number;
  hub_id?: number;
  message: string;
}

const mm = (m: number) => Math.round(m * 1000) / 1000;

export function proposeRoutes(g: NetworkGraph, schools: Site[], hubs: Site[], o: { k: number; maxSnapM: number }) {
  const grid = (s: Site) => lonLatToBng(s.position[0], s.position[1]);
  // The nearest network point at any distance (to say how far it is), used only within maxSnapM.
  const snaps = new Map<number, Snap | null>();
  const snapOf = (s: Site) => {
    if (!snaps.has(s.id)) snaps.set(s.id, snapToNetwork(g, grid(s), Infinity));
    return snaps.get(s.id)!;
  };
  const tooFar = (what: string, s: Snap | null) =>
    s && s.gap <= o.maxSnapM
      ? null
      : s
        ? `the ${what} is ${Math.round(s.gap)} m from the network (at most ${o.maxSnapM} m)`
        : 'the network is empty';
  const proposals: Proposal[] = [];
  const problems: ProposalProblem[] = [];
  for (const school of schools) {
    const sxy = grid(school);
    const a = snapToNetwork(g, sxy, Infinity);
    const far = tooFar('school', a);
    if (far || !a) {
      problems.push({ school_id: school.id, message: far! });
      continue;
    }
    const nearest = hubs
      .map((h) => {
        const hxy = grid(h);
        return { h, d: Math.hypot(hxy[0] - sxy[0], hxy[1] - sxy[1]) };
      })
      .sort((x, y) => x.d - y.d || x.h.id - y.h.id)
      .slice(0, o.k);
    const targets: Array<{ h: Site; d: number; snap: Snap }> = [];
    for (const { h, d } of nearest) {
      const b = snapOf(h);
      const bad = tooFar('hub', b);
      if (bad || !b) problems.push({ school_id: school.id, hub_id: h.id, message: bad! });
      else targets.push({ h, d, snap: b });
    }
    const walks = walksFrom(
      g,
      a,
      targets.map((t) => t.snap),
    );
    targets.forEach(({ h, d, snap }, i) => {
      const w = walks[i];
      if (!w) {
        problems.push({
          school_id: school.id,
          hub_id: h.id,
          message: 'no path along the network between them (the network is not connected there)',
        });
        return;
      }
      // School, the snapped points and vertices walked through, hub; a point within a millimetre of the one
      // before it or of the hub (a place on a vertex, the stored network's 9 decimals) is left out.
      const coords: Position[] = [school.position];
      for (const p of [snapLonLat(g, a), ...w.nodes.map((n): Position => [g.lon[n], g.lat[n]]), snapLonLat(g, snap)])
        if (haversine(p, coords[coords.length - 1]) >= 0.001 && haversine(p, h.position) >= 0.001) coords.push(p);
      coords.push(h.position);
      const geometry = { type: 'LineString' as const, coordinates: coords };
      const bad = lineProblems(geometry);
      if (bad.length) {
        problems.push({ school_id: school.id, hub_id: h.id, message: bad.join('; ') });
        return;
      }
      proposals.push({
        school_id: school.id,
        hub_id: h.id,
        name: `${school.name} to ${h.name}`.slice(0, 200),
        length_m: mm(w.length_m),
        crow_m: mm(d),
        geometry,
      });
    });
  }
  return { proposals, problems };
}
