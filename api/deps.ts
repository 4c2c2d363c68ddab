// What the API's routes are built with: the database, the configuration they read, and (embedded mode)
// the secret shared with the CLIs. Its own module, so route files do not import the app that imports them.
import type { Config } from './config.js';
import type { Db } from './db/index.js';
import type { LoadLimits } from './load.js';

export interface Deps {
  db: Db;
  config: Pick<Config, 'dataDir' | 'MAX_UPLOAD_MB' | 'BASEMAP_STYLE_URL'> &
    Partial<
      Pick<
        Config,
        | 'TRUST_PROXY'
        | 'BASEMAP_PMTILES'
        | 'BASEMAP_ORIGINS'
        | 'ONS_ARCGIS_URL'
        | 'POLICE_UK_API_URL'
        | 'POLICE_UK_ARCHIVE_URL'
        | 'NOMIS_URL'
      >
    >;
  /** Secret shared with the CLIs through the data-directory lock file (embedded mode only). */
  localSecret?: string;
  /** How many requests may do database work at once, and how long others may wait (default: per driver). */
  load?: LoadLimits;
  /** Answers of aggregate GETs kept in memory under their ETag (api/http-cache.ts; default 64 MiB, 0 = none). */
  httpCacheBytes?: number;
}
