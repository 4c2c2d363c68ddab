// GPX 1.1 (https://www.topografix.com/GPX/1/1/) for officers' devices: guardian points as waypoints,
// segments as tracks. Written by hand: the format is a few elements, and a dependency would add more
// than it saves. Text is XML-escaped, control characters dropped; coordinates to 7 decimals (~1 cm).
import type { Position } from './segment.js';

export interface GpxWaypoint {
  position: Position;
  name: string;
  description?: string;
}

export interface GpxTrack {
  name: string;
  description?: string;
  coordinates: Position[];
}

export function xmlEscape(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const coord = (v: number) => v.toFixed(7);
const latlon = (p: Position) => `lat="${coord(p[1])}" lon="${coord(p[0])}"`;
const text = (tag: string, v: string | undefined, indent: string) => (v ? `${indent}<${tag}>${xmlEscape(v)}</${tag}>\n` : '');

export function toGpx(o: {
  name: string;
  description?: string;
  time?: string;
  waypoints: GpxWaypoint[];
  tracks: GpxTrack[];
}): string {
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  out +=
    '<gpx version="1.1" creator="Saferplaces" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">\n';
  out +=
    '  <metadata>\n' +
    text('name', o.name, '    ') +
    text('desc', o.description, '    ') +
    text('time', o.time, '    ') +
    '  </metadata>\n';
  for (const w of o.waypoints)
    out += `  <wpt ${latlon(w.position)}>\n${text('name', w.name, '    ')}${text('desc', w.description, '    ')}  </wpt>\n`;
  for (const t of o.tracks) {
    out += `  <trk>\n${text('name', t.name, '    ')}${text('desc', t.description, '    ')}    <trkseg>\n`;
    for (const p of t.coordinates) out += `      <trkpt ${latlon(p)}/>\n`;
    out += '    </trkseg>\n  </trk>\n';
  }
  return out + '</gpx>\n';
}
