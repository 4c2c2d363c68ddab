// Reads a GeoJSON (or TopoJSON) file without holding it in memory whole (issue 2: "a file is never read
// whole into memory"): stream-json tokenises the file, each element of a top-level `features` array is
// assembled on its own and handed over as soon as it is complete, and only the other top-level members
// (`type`, `crs`, `name`, ...) are kept. A TopoJSON topology is one structure (features share `arcs`), so its
// `objects` and `arcs` members are necessarily assembled whole.
import fs from 'node:fs';
import { parser } from 'stream-json';
import Assembler from 'stream-json/assembler.js';

export class GeoJsonSyntaxError extends Error {}

interface Token {
  name: string;
  value?: unknown;
}

export interface GeoJsonRead {
  /** Top-level members other than `features`, in file order. */
  members: Record<string, unknown>;
  /** Top-level member names in the order they appeared (`features` included). */
  order: string[];
  /** Number of elements of `features` (null when the file has no `features` array). */
  features: number | null;
}

/**
 * Streams `file`: calls `onFeature(feature, index)` for each element of the top-level `features` array, in
 * order, awaiting it before reading on (so a slow consumer holds back the file, not memory).
 * Throws GeoJsonSyntaxError when the file is not a single JSON object.
 */
export async function readGeoJson(
  file: string,
  onFeature: (feature: unknown, index: number, membersBefore: Record<string, unknown>) => void | Promise<void>,
  /** Sees every byte of the file as it is read (e.g. its checksum), so the file is read once. */
  onBytes?: (chunk: Buffer) => void,
): Promise<GeoJsonRead> {
  const members: Record<string, unknown> = {};
  const order: string[] = [];
  let features: number | null = null;
  // depth: 0 outside the top-level object, 1 inside it (between members).
  let depth = 0;
  let key: string | null = null;
  /** Assembling one member's value (not features), or one feature. */
  let asm: Assembler | null = null;
  let inFeatures = false;
  let sawTop = false;
  /** An error thrown by onFeature: passed on as it is. */
  let own: unknown = undefined;
  const hand = async (value: unknown) => {
    try {
      await onFeature(value, features!++, members);
    } catch (e) {
      own = e;
      throw e;
    }
  };

  const input = fs.createReadStream(file);
  if (onBytes) input.on('data', (b) => onBytes(b as Buffer));
  const stream = input.pipe(parser.asStream({ packValues: true, streamValues: false }));
  try {
    for await (const tok of stream as AsyncIterable<Token>) {
      if (asm) {
        asm.consume(tok as never);
        if (!asm.done) continue;
        const value = asm.current;
        asm = null;
        if (inFeatures) await hand(value);
        else members[key!] = value;
        continue;
      }
      if (depth === 0) {
        if (sawTop || tok.name !== 'startObject') throw new GeoJsonSyntaxError('The file is not a single JSON object.');
        sawTop = true;
        depth = 1;
        continue;
      }
      if (inFeatures) {
        if (tok.name === 'endArray') {
          inFeatures = false;
          continue;
        }
        asm = new Assembler();
        asm.consume(tok as never);
        if (asm.done) {
          const value = asm.current;
          asm = null;
          await hand(value);
        }
        continue;
      }
      if (tok.name === 'endObject') {
        depth = 0;
        continue;
      }
      if (tok.name === 'keyValue') {
        key = String(tok.value);
        order.push(key);
        continue;
      }
      // The value of member `key`.
      if (key === 'features' && tok.name === 'startArray' && features === null) {
        inFeatures = true;
        features = 0;
        continue;
      }
      asm = new Assembler();
      asm.consume(tok as never);
      if (asm.done) {
        members[key!] = asm.current;
        asm = null;
      }
    }
  } catch (e) {
    if (e === own || e instanceof GeoJsonSyntaxError) throw e;
    // Anything else comes from reading or tokenising the file.
    if ((e as NodeJS.ErrnoException)?.code) throw e;
    throw new GeoJsonSyntaxError((e as Error)?.message ?? String(e));
  } finally {
    stream.destroy();
  }
  if (!sawTop || depth !== 0)
    throw new GeoJsonSyntaxError('The JSON ends before the top-level object is closed (truncated file?).');
  return { members, order, features };
}
