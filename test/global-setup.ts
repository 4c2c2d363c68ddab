// Says plainly, once per run, which parts of the suite cannot run on this machine.
import fs from 'node:fs';

export default function setup() {
  // Each test project runs this; say it once per run.
  if (process.env.SAFERPLACES_SKIPS_REPORTED) return;
  process.env.SAFERPLACES_SKIPS_REPORTED = '1';
  const skipped: string[] = [];
  if (!process.env.DATABASE_URL)
    skipped.push('PostGIS server integration tests (DATABASE_URL is not set; the embedded PGlite tests still run)');
  if (!fs.existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium'))
    skipped.push('browser tests (no Chromium at /usr/bin/chromium: apt-get install chromium)');
  if (!fs.existsSync(new URL('../../shared/data/', import.meta.url)))
    skipped.push('real-data tests (../shared/data not found beside the project)');
  if (skipped.length) console.log(`\nSKIPPED on this machine:\n${skipped.map((s) => `  - ${s}`).join('\n')}\n`);
}
