// R as an independent implementation (CI installs r-cran-spdep): where Rscript is, and spdep::localG
// (test/r/localg.R) on our neighbour lists, for comparing Gi* z-scores.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withoutSelf } from '../../geodata/stats/neighbours.js';

export const RSCRIPT = ['/usr/bin/Rscript', '/usr/local/bin/Rscript'].find((p) => fs.existsSync(p));

/** spdep::localG z of `values` with binary weights on `nb` (0-based lists, self included or not) plus self. */
export function rLocalG(values: number[], nb: number[][]): number[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'r-localg-'));
  try {
    fs.writeFileSync(path.join(dir, 'x.txt'), values.join('\n') + '\n');
    fs.writeFileSync(
      path.join(dir, 'nb.txt'),
      withoutSelf(nb)
        .map((l) => l.map((j) => j + 1).join(' '))
        .join('\n') + '\n',
    );
    execFileSync(RSCRIPT!, ['test/r/localg.R', path.join(dir, 'x.txt'), path.join(dir, 'nb.txt'), path.join(dir, 'z.txt')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return fs.readFileSync(path.join(dir, 'z.txt'), 'utf8').trim().split('\n').map(Number);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
