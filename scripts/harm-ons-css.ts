// Regenerates geodata/harm/ons-css.json (the ONS Crime Severity Score reference table, one weight per
// Home Office offence code) from the ONS "List of weights" CSV described in ../shared/data/SOURCES.md.
//
//   npx tsx scripts/harm-ons-css.ts [path/to/ons_css_weights_2020_ho_offence_codes.csv]
//
// Checks the input's sha256 against the one the table records, then writes the JSON (1-space indent).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { buildOnsCssTable, ONS_CSS_PROVENANCE } from '../geodata/harm/ons-table.js';

const input = process.argv[2] ?? new URL(`../../shared/data/${ONS_CSS_PROVENANCE.input_file}`, import.meta.url).pathname;
const text = fs.readFileSync(input, 'utf8');
const sha = crypto.createHash('sha256').update(text).digest('hex');
if (sha !== ONS_CSS_PROVENANCE.input_sha256) {
  console.error(`${input}: sha256 ${sha}, expected ${ONS_CSS_PROVENANCE.input_sha256} (not the file SOURCES.md describes)`);
  process.exit(1);
}
const out = new URL('../geodata/harm/ons-css.json', import.meta.url);
fs.writeFileSync(out, `${JSON.stringify(buildOnsCssTable(text), null, 1)}\n`);
console.log(`wrote ${out.pathname}`);
