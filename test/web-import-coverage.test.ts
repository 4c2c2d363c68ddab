// The import page's coverage sentences (issue 11), fed the summary the importer builds for the real
// police.uk API extract, whose 2016-03 is missing.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { coverageSummary } from '../api/imports/incidents.js';
import { coverageSentences } from '../web/src/pages/import/ImportJobView.js';
import { SHARED } from './helpers/shared.js';

const FILE = path.join(SHARED, 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv');

describe.skipIf(!fs.existsSync(FILE))('import summary: months a file added', () => {
  it('names the range, the categories and the month inside it without rows', () => {
    const rows = parse(fs.readFileSync(FILE), { columns: true }) as Record<string, string>[];
    const months = [...new Set(rows.map((r) => r.month))].sort();
    const cats = [...new Set(rows.map((r) => r.category))].sort();
    const s = coverageSentences({ details: { coverage: coverageSummary(months, cats, null) } });
    expect(s[0]).toBe(`Months added: 2016-01 to 2018-06 (${months.length} months), for 2 categories.`);
    expect(months).toHaveLength(29);
    expect(s[1]).toMatch(/^No rows at all in 2016-03: that month is not covered/);
    expect(coverageSentences({ details: {} })).toEqual([]);
  });
});
