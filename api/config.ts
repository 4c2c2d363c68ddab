// Configuration: parsed once, from the environment, with a schema. Nothing else reads process.env.
import { z } from 'zod';
import path from 'node:path';
import { API_TOKEN_RE } from './auth/secrets.js';

/** An http(s) base URL without a trailing slash. */
const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s?#]+$/, 'must be an http(s) URL without query or fragment')
  .transform((s) => s.replace(/\/+$/, ''));

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./.saferplaces'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /**
   * A streaming replica of the DATABASE_URL server: analytical reads (aggregates, hotspots) go there once it has
   * replayed the latest change; writes, auth, audit and the live feed stay on the primary (api/db/replica.ts).
   */
  DATABASE_REPLICA_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /**
   * A local Protomaps (v4 schema) .pmtiles extract, served by the app itself at /basemap/tiles.pmtiles so the
   * map has streets and place names without internet access. First choice; BASEMAP_STYLE_URL is the second.
   */
  BASEMAP_PMTILES: z
    .string()
    .regex(/\.pmtiles$/i, 'must be a path to a .pmtiles file')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  BASEMAP_STYLE_URL: z
    .string()
    .url('must be a URL to a MapLibre style JSON')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Extra origins (comma-separated) the basemap's tiles, glyphs and sprites come from, for the CSP. */
  BASEMAP_ORIGINS: z
    .string()
    .regex(/^(https?:\/\/[^,\s]+)(,\s*https?:\/\/[^,\s]+)*$/, 'must be comma-separated http(s) origins')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For and HTTPS from X-Forwarded-Proto. */
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0', ''])
    .default('false')
    .transform((s) => s === 'true' || s === '1'),
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(10_000).default(2048),
  /** API token the import CLI sends when it goes through the running app (or --token). */
  SAFERPLACES_TOKEN: z
    .string()
    .regex(API_TOKEN_RE, 'must be a Saferplaces API token (spt_...)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  LOG_LEVEL: z.enum(['silent', 'error', 'info', 'debug']).default('info'),
  /** Open data sources (issue 17): base URLs, called only when a fetch or refresh is asked for. */
  ONS_ARCGIS_URL: httpUrl.default('https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services'),
  POLICE_UK_API_URL: httpUrl.default('https://data.police.uk/api'),
  /** police.uk's monthly archive: `<url>/YYYY-MM.zip` (street crime for `source: 'archive'` fetches). */
  POLICE_UK_ARCHIVE_URL: httpUrl.default('https://data.police.uk/data/archive'),
  NOMIS_URL: httpUrl.default('https://www.nomisweb.co.uk'),
});

export type Config = z.infer<typeof schema> & { dataDir: string };

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string | undefined> = {};
  for (const k of Object.keys(schema.shape)) picked[k] = env[k];
  const r = schema.safeParse(picked);
  if (!r.success) {
    const lines = r.error.issues.map(
      (i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(picked[String(i.path[0])])})`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (r.data.DATABASE_REPLICA_URL && !r.data.DATABASE_URL) {
    throw new ConfigError('Invalid configuration:\n  DATABASE_REPLICA_URL: needs DATABASE_URL (the primary server)');
  }
  return { ...r.data, dataDir: path.resolve(r.data.DATA_DIR) };
}

/** For entry points (app, CLIs): the parsed config, or the problem printed and exit code 2. */
export function configOrExit(): Config {
  try {
    return parseConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
