// The tasking pack's tables, shared by the presentation (large type, fewer rows) and the printable
// pack: this period against the previous one by category, the top hotspot cells, the ward league and
// what changed since the last meeting. Withheld counts (partners) read "withheld", never 0; a period the
// data do not cover (issue 11: `coverage`, from GET /api/coverage) reads "no data", never 0 or "+N".
import type { Pack, PackRow } from '../../api/live';
import { formatCountOrWithheld, formatFigure, formatRate, NO_DATA } from '../../lib/format';
import type { ComparisonCoverage } from '../../lib/coverage';
import { changeArrow, changeText, periodLabel } from '../../lib/live-view';

const count = (n: number | null) => formatCountOrWithheld(n, n === null);
/** A count that is no data when `noData`, else withheld when null. */
const figure = (n: number | null, noData: boolean) => (noData ? NO_DATA : count(n));

function NoData() {
  return <td className="num no-data">{NO_DATA}</td>;
}

function Change({ r, noData = false }: { r: Pick<PackRow, 'change' | 'change_pct' | 'suppressed'>; noData?: boolean }) {
  if (noData) return <NoData />;
  const withheld = r.change === null && !!r.suppressed;
  const dir = r.change === null ? '' : r.change > 0 ? 'up' : r.change < 0 ? 'down' : '';
  return (
    <td className={`num change ${dir}`}>
      {changeArrow(withheld ? null : r.change)} {changeText(r.change, r.change_pct, withheld)}
    </td>
  );
}

type Covered = { coverage?: ComparisonCoverage | null };
const noPrevious = (c: ComparisonCoverage | null | undefined, slug?: string) => !!c && (slug ? c.previousOf(slug) : c.previous) !== 'full';

export function CategoryTable({ pack, limit, coverage }: { pack: Pack; limit?: number } & Covered) {
  const rows = limit ? pack.comparison.categories.slice(0, limit) : pack.comparison.categories;
  const more = pack.comparison.categories.length - rows.length;
  const p = pack.period;
  return (
    <table className="pack-table" data-testid="pack-categories">
      <caption>This period against the previous one, by category</caption>
      <thead>
        <tr>
          <th scope="col">Category</th>
          <th scope="col" className="num">{periodLabel(p.from, p.to)}</th>
          <th scope="col" className="num">{periodLabel(p.previous_from, p.previous_to)}</th>
          <th scope="col" className="num">Change</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.slug} data-testid="pack-category-row">
            <th scope="row">{r.label}</th>
            <td className="num">{figure(r.count, coverage?.currentOf(r.slug) === 'none')}</td>
            {noPrevious(coverage, r.slug) ? <NoData /> : <td className="num">{count(r.previous_count)}</td>}
            <Change r={r} noData={noPrevious(coverage, r.slug) || coverage?.currentOf(r.slug) === 'none'} />
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">All categories{more > 0 ? ` (${more} more not listed)` : ''}</th>
          <td className="num">{count(pack.comparison.total.count)}</td>
          {noPrevious(coverage) ? <NoData /> : <td className="num">{count(pack.comparison.total.previous_count)}</td>}
          <Change r={{ ...pack.comparison.total, suppressed: pack.comparison.total.count === null || pack.comparison.total.previous_count === null }} noData={noPrevious(coverage)} />
        </tr>
      </tfoot>
    </table>
  );
}

export function HotspotTable({ pack, limit, showCell = true, coverage }: { pack: Pack; limit?: number; showCell?: boolean } & Covered) {
  const cells = limit ? pack.top_cells.cells.slice(0, limit) : pack.top_cells.cells;
  return (
    <table className="pack-table" data-testid="pack-hotspots">
      <caption>Top hotspots: hexagons (H3 resolution {pack.top_cells.res}) with the most incidents this period</caption>
      <thead>
        <tr>
          <th scope="col" className="num">#</th>
          <th scope="col">Ward</th>
          <th scope="col" className="num">Incidents</th>
          <th scope="col" className="num">Change</th>
          {showCell && <th scope="col">Cell</th>}
        </tr>
      </thead>
      <tbody>
        {cells.map((c, i) => (
          <tr key={c.h3} data-testid="pack-hotspot-row">
            <td className="num">{i + 1}</td>
            <th scope="row">{c.ward_name ?? 'outside the wards'}</th>
            <td className="num">{count(c.count)}</td>
            <Change r={c} noData={noPrevious(coverage)} />
            {showCell && <td className="mono">{c.h3}</td>}
          </tr>
        ))}
        {cells.length === 0 && (
          <tr>
            <td colSpan={5}>No incidents in this period.</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function WardLeague({ pack, limit, coverage }: { pack: Pack; limit?: number } & Covered) {
  if (!pack.wards) return <p className="hint">No ward boundaries are loaded.</p>;
  // The ward figures come from GET /api/stats/areas: null is no data there unless withheld (partners).
  const noCurrent = coverage ? coverage.current === 'none' : !pack.disclosure && pack.wards.areas.every((a) => a.count === null);
  const noPrev = coverage ? noPrevious(coverage) : !pack.disclosure && pack.wards.areas.every((a) => a.previous_count === null);
  const rows = limit ? pack.wards.areas.slice(0, limit) : pack.wards.areas;
  const more = pack.wards.areas.length - rows.length;
  const hasRate = pack.wards.areas.some((a) => a.rate_per_1000 !== null);
  return (
    <table className="pack-table" data-testid="pack-wards">
      <caption>Ward league table (ranked by incidents this period)</caption>
      <thead>
        <tr>
          <th scope="col" className="num">#</th>
          <th scope="col">Ward</th>
          <th scope="col" className="num">Incidents</th>
          {hasRate && <th scope="col" className="num">per 1,000</th>}
          <th scope="col" className="num">Change</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.code} data-testid="pack-ward-row">
            <td className="num">{a.rank}</td>
            <th scope="row">{a.name}</th>
            <td className="num">{figure(a.count, noCurrent)}</td>
            {hasRate && <td className="num">{formatFigure(a.rate_per_1000, { noData: noCurrent, withheld: !noCurrent && a.count === null }, formatRate)}</td>}
            <Change
              r={{ change: a.change, change_pct: a.previous_count ? (a.change === null ? null : (a.change * 100) / a.previous_count) : null, suppressed: a.suppressed || a.change === null }}
              noData={noCurrent || noPrev}
            />
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>
            {more > 0 ? `${more} more wards in the pack · ` : ''}All wards
          </th>
          <td className="num">{figure(pack.wards.total, noCurrent)}</td>
          {hasRate && <td />}
          <td />
        </tr>
      </tfoot>
    </table>
  );
}

export function ChangesSince({ pack, sinceLabel }: { pack: Pack; sinceLabel: string | null }) {
  const c = pack.changes;
  if (!c) {
    return (
      <p className="hint" data-testid="pack-changes-none">
        No previous meeting is recorded: choose a date to see what changed since.
      </p>
    );
  }
  return (
    <div data-testid="pack-changes">
      <p className="changes-headline">
        <strong>{count(c.incidents_added)}</strong> incidents added since {sinceLabel ?? c.since} in {c.batches.length} import{c.batches.length === 1 ? '' : 's'}
      </p>
      {c.by_category.length > 0 && (
        <table className="pack-table">
          <caption>Added since, by category</caption>
          <tbody>
            {c.by_category.map((r) => (
              <tr key={r.slug} data-testid="pack-change-row">
                <th scope="row">{r.label}</th>
                <td className="num">{count(r.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
