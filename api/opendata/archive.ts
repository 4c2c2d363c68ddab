// police.uk's monthly archive (issue 17): `archive/YYYY-MM.zip` holds one folder per month (the months up to
// YYYY-MM) with `YYYY-MM-<force>-street.csv` per force. The zip is read as it downloads (fflate's streaming
// Unzip): only the chosen forces' street files of the months asked for are inflated, their rows are kept when
// the point lies in the area (the same outline the API path sends as `poly`), and each month is handed to
// `onMonth` when its file ends (imports run one after another while the download goes on: a paused download
// is dropped by servers). Nothing of the archive is written to disk; only the area's rows of months waiting
// for their import are held.
import { Unzip, UnzipInflate } from 'fflate';
import { POLICE_UK_HEADER } from '../imports/sniff.js';
import { FetchError, sleep, type HttpOptions } from './http.js';
import type { Ring } from './police.js';

const ENTRY = /^(?:.*\/)?(\d{4}-\d{2})\/\1-([a-z0-9-]+)-street\.csv$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export interface ArchiveOptions extends HttpOptions {
  /** e.g. https://data.police.uk/data/archive */
  baseUrl: string;
}

export interface ArchiveMonth {
  month: string;
  force: string;
  /** Name of the file inside the zip. */
  entry: string;
  /** The header and the rows inside the area, as a police.uk street CSV. */
  csv: string;
  rows: number;
  /** Rows of the force's file (the whole force), and those with no location (force-wide, as crimes-no-location). */
  forceRows: number;
  noLocation: number;
}

export function archiveUrl(baseUrl: string, latest: string) {
  if (!MONTH.test(latest)) throw new FetchError('bad_parameter', `bad month ${latest}`);
  return `${baseUrl}/${latest}.zip`;
}

/** Even-odd point in any of the rings (lon, lat). */
export function inRings(lon: number, lat: number, rings: Ring[]) {
  let inside = false;
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i],
        [xj, yj] = ring[j];
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
  return inside;
}

/** The fields of one CSV record (RFC 4180 quotes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '',
    quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(field), (field = '');
    else field += ch;
  }
  out.push(field);
  return out;
}

/** Cuts decoded text into records at line ends outside quotes; keeps the unfinished tail. */
class RecordSplitter {
  private tail = '';
  private quoted = false;
  private decoder = new TextDecoder('utf-8');

  push(bytes: Uint8Array, final: boolean, emit: (record: string) => void) {
    const text = this.tail + this.decoder.decode(bytes, { stream: !final });
    let start = 0;
    // Quote state is carried over the tail: scan only the new part.
    for (let i = this.tail.length; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') this.quoted = !this.quoted;
      else if (ch === '\n' && !this.quoted) {
        const end = i > start && text[i - 1] === '\r' ? i - 1 : i;
        if (end > start) emit(text.slice(start, end));
        start = i + 1;
      }
    }
    this.tail = text.slice(start);
    if (final && this.tail.trim()) emit(this.tail.replace(/\r$/, ''));
    if (final) this.tail = '';
  }
}

/** One street file: header checked, rows kept inside the area. */
class StreetFile {
  private splitter = new RecordSplitter();
  private header: string[] | null = null;
  private lon = -1;
  private lat = -1;
  readonly kept: string[] = [];
  forceRows = 0;
  noLocation = 0;
  error: FetchError | null = null;

  constructor(
    readonly month: string,
    readonly force: string,
    readonly entry: string,
    private rings: Ring[],
  ) {}

  push(bytes: Uint8Array, final: boolean) {
    if (this.error) return;
    this.splitter.push(bytes, final, (rec) => {
      if (this.error) return;
      if (!this.header) {
        this.header = splitCsvLine(rec.replace(/^\uFEFF/, ''));
        this.lon = this.header.indexOf('Longitude');
        this.lat = this.header.indexOf('Latitude');
        if (this.lon < 0 || this.lat < 0 || this.header.indexOf('Month') < 0)
          this.error = new FetchError(
            'bad_answer',
            `police.uk archive: ${this.entry} is not a street file (header "${rec.slice(0, 80)}").`,
          );
        return;
      }
      this.forceRows++;
      const f = splitCsvLine(rec);
      if (!f[this.lon] || !f[this.lat]) {
        this.noLocation++;
        return;
      }
      const x = Number(f[this.lon]),
        y = Number(f[this.lat]);
      if (Number.isFinite(x) && Number.isFinite(y) && inRings(x, y, this.rings)) this.kept.push(rec);
    });
  }

  result(): ArchiveMonth {
    return {
      month: this.month,
      force: this.force,
      entry: this.entry,
      csv: `${(this.header ?? POLICE_UK_HEADER).join(',')}\n${this.kept.map((r) => `${r}\n`).join('')}`,
      rows: this.kept.length,
      forceRows: this.forceRows,
      noLocation: this.noLocation,
    };
  }
}

/**
 * Streams `archive/<latest>.zip` and calls `onMonth` (one at a time, in archive order) for each street file of
 * `forces` in `months`. Returns the entries seen. A failed download is retried (from the start) while no month
 * has ended; after that the months that ended are imported and a failure is thrown (they stay done).
 */
export async function streamArchive(
  o: ArchiveOptions,
  latest: string,
  want: { months: Set<string>; forces: string[]; rings: Ring[] },
  onMonth: (m: ArchiveMonth) => Promise<void>,
): Promise<{ url: string; entries: number; bytes: number }> {
  const url = archiveUrl(o.baseUrl, latest);
  const attempts = o.attempts ?? 6;
  let wait = o.backoffMs ?? 500;
  let handed = 0;
  let lastProblem = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
    let res: Response;
    try {
      res = await fetch(url, { signal: o.signal, headers: { accept: 'application/zip' } });
    } catch (e) {
      if (o.signal?.aborted) throw o.signal.reason ?? e;
      lastProblem = `network error: ${(e as Error).message}`;
      await sleep(wait, o.signal);
      wait = Math.min(wait * 2, 30_000);
      continue;
    }
    o.log?.push({ url, method: 'GET', status: res.status, fetched_at: new Date().toISOString() });
    if (res.status === 404) throw new FetchError('no_data', `police.uk archive: no archive for ${latest} (${url}).`, 404);
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      lastProblem = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429)
        throw new FetchError('remote_error', `police.uk archive: HTTP ${res.status} (${url}).`, res.status);
      await sleep(wait, o.signal);
      wait = Math.min(wait * 2, 30_000);
      continue;
    }
    let entries = 0;
    let bytes = 0;
    let zipError: Error | null = null;
    // Months whose file has ended are imported one after another while the download goes on (a paused
    // download is dropped by servers); only the area's rows of the months waiting are held.
    let chain: Promise<void> = Promise.resolve();
    let importError: unknown = null;
    const unzip = new Unzip((file) => {
      entries++;
      const m = ENTRY.exec(file.name);
      if (!m || !want.months.has(m[1]) || !want.forces.includes(m[2])) return; // not started: skipped, not inflated
      const sf = new StreetFile(m[1], m[2], file.name, want.rings);
      file.ondata = (err, data, final) => {
        if (err) zipError = err;
        else sf.push(data, final);
        if (!final || err) return;
        handed++;
        chain = chain.then(async () => {
          if (importError) return;
          try {
            if (sf.error) throw sf.error;
            await onMonth(sf.result());
          } catch (e) {
            importError = e;
          }
        });
      };
      file.start();
    });
    unzip.register(UnzipInflate);
    let broke: Error | null = null;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        if (importError) break;
        bytes += chunk.length;
        unzip.push(chunk);
        if (zipError)
          throw new FetchError('bad_answer', `police.uk archive: the zip is damaged (${(zipError as Error).message}).`);
      }
      if (!importError) unzip.push(new Uint8Array(0), true);
    } catch (e) {
      if (o.signal?.aborted || e instanceof FetchError) {
        await chain;
        throw e;
      }
      broke = e as Error;
    }
    // The months whose files ended are whole: imported even when the download broke off after them.
    await chain;
    if (importError) throw importError;
    if (broke) {
      if (handed > 0)
        throw new FetchError(
          'unavailable',
          `police.uk archive: the download broke off after ${bytes} bytes (${broke.message}); the ${handed} month(s) imported are kept: fetch again to continue.`,
        );
      lastProblem = `download broke off: ${broke.message}`;
      await sleep(wait, o.signal);
      wait = Math.min(wait * 2, 30_000);
      continue;
    }
    return { url, entries, bytes };
  }
  throw new FetchError('unavailable', `${url}: gave up after ${attempts} attempts (${lastProblem}).`);
}
