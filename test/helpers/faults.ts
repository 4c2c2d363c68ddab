// Shared by the fault tests: polling for a state, and a large police.uk file to interrupt.
import fs from 'node:fs';
import { POLICE_UK_HEADER } from '../../api/imports/sniff.js';

/** Poll `probe` until it returns a value other than undefined, at most `ms`; the value and how long it took. */
export async function until<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
  every = 50,
): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return { value: v, ms: Math.round(performance.now() - t0) };
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** A police.uk street CSV of `n` rows in Lewisham. */
export function policeCsv(file: string, n: number, prefix = 'fault') {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, POLICE_UK_HEADER.join(',') + '\n');
  let buf: string[] = [];
  for (let i = 0; i < n; i++) {
    const lon = (-0.06 + (i % 997) * 0.00005).toFixed(6);
    const lat = (51.44 + (i % 991) * 0.00004).toFixed(6);
    buf.push(
      `${prefix}${i.toString(16).padStart(12, '0')},2024-0${1 + (i % 9)},Metropolitan Police Service,Metropolitan Police Service,${lon},${lat},On or near Test Street,E01003244,Lewisham 001A,Burglary,Under investigation,`,
    );
    if (buf.length === 10_000) {
      fs.writeSync(fd, buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
  fs.closeSync(fd);
}
