// Which basemap the web draws under the data, decided on the server from the configuration, in this order:
//   1. BASEMAP_PMTILES: a local Protomaps extract, served by this app (works air-gapped);
//   2. BASEMAP_STYLE_URL: an online keyless MapLibre style;
//   3. none: a plain background, with the reason the map shows.
// The PMTiles file is checked (readable, PMTiles v3 header) each time the answer is asked for, so a file
// added, replaced or removed while the app runs is noticed without a restart.
import fs from 'node:fs';
import path from 'node:path';
import type { BasemapInfo } from '../../contract/aggregates.js';

export const BASEMAP_TILES_PATH = '/basemap/tiles.pmtiles';
export const BASEMAP_GLYPHS_PATH = '/basemap/glyphs/{fontstack}/{range}.pbf';

export const NOT_CONFIGURED = 'No basemap file configured: set BASEMAP_PMTILES (see README)';

export interface BasemapConfig {
  BASEMAP_PMTILES?: string;
  BASEMAP_STYLE_URL?: string;
}

/** Why the file cannot be served, or null when it is a readable PMTiles v3 archive. */
export function pmtilesProblem(file: string): string | null {
  const name = path.basename(file);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    if (!fs.fstatSync(fd).isFile()) return `basemap file unreadable: ${name} is not a file`;
    const head = Buffer.alloc(8);
    const n = fs.readSync(fd, head, 0, 8, 0);
    if (n < 8 || head.toString('latin1', 0, 7) !== 'PMTiles') return `basemap file unreadable: ${name} is not a PMTiles archive`;
    if (head[7] !== 3) return `basemap file unreadable: ${name} is PMTiles version ${head[7]}, version 3 is needed`;
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `basemap file unreadable: ${name} (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? (e as Error).message)})`;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function basemapInfo(config: BasemapConfig): BasemapInfo {
  const problem = config.BASEMAP_PMTILES ? pmtilesProblem(config.BASEMAP_PMTILES) : null;
  if (config.BASEMAP_PMTILES && !problem) {
    return { kind: 'pmtiles', url: BASEMAP_TILES_PATH, glyphs: BASEMAP_GLYPHS_PATH, reason: null };
  }
  if (config.BASEMAP_STYLE_URL) {
    return {
      kind: 'style',
      url: config.BASEMAP_STYLE_URL,
      glyphs: null,
      reason: problem ? `${problem}; using BASEMAP_STYLE_URL` : null,
    };
  }
  // The plain background still draws the app's own labels (ward names, site and patrol labels): the glyphs
  // are the app's, served whether or not a basemap file is configured.
  return { kind: 'none', url: null, glyphs: BASEMAP_GLYPHS_PATH, reason: problem ?? NOT_CONFIGURED };
}
