// The tasking pack's tables, shared by the presentation (large type, fewer rows) and the printable
// pack: this period against the previous one by category, the top hotspot cells, the ward league and
// what changed since the last meeting. Withheld counts (partners) read "withheld", never 0; a period the
// data do not cover reads "no data" (issue 11), and so does a change computed from it.
import type { NoData, Pack, PackRow } from '../../../../contract/live';
import { formatCountOrMissing, formatCountOrWithheld, formatRate, NO_DATA, WITHHELD } from '../../lib/format';
import { changeArrow, changeText, periodLabel } from '../../lib/live-view';

const count = (n: number | null) => formatCountOrWithheld(n, n === null);
const noCurrent = (nd: NoData | undefined) => nd === 'current' || nd === 'both';
const noPrevious = (nd: NoData | undefined) => nd === 'previous' || nd === 'both';
/** This period's / the previous period's count: a number, "no data" or "withheld". */
const current = (r: { count: number | null; no_data?: NoData }) =>
  formatCountOrMissing(r.count, noCurrent(r.no_data), r.count === null);
const previous = (r: { previous_count: number | null; no_data?: NoData }) =>
  formatCountOrMissing(r.previous_count, noPrevious(r.no_data), r.previous_count === null);

function Change({ r }: { r: Pick<PackRow, 'change' | 'change_pct' | 'suppressed' | 'no_data' | 'no_data_reason'> }) {
  if (r.change === null && r.no_data)
    return (
      <td className="num change no-data" title={r.no_data_reason ?? undefined}>
        {NO_DATA}
      </td>
    );
  const withheld = r.change === null && !!r.suppressed;
  const dir = r.change === null ? '' : r.change > 0 ? 'up' : r.change < 0 ? 'down' : '';
  return (
    <td className={`num change ${dir}`}>
      {changeArrow(withheld ? null : r.change)} {changeText(r.change, r.change_pct, withheld)}
    </td>
  );
}

/** The coverage rule and the gaps of the two periods, under the period comparison. */
export function CoverageNote({ pack }: { pack: Pack }) {
  if (!pack.coverage) return null;
  return (
    <div className="pack-meta" data-testid="pack-coverage">
      {pack.coverage.gaps.length > 0 ? (
        <ul>
          {pack.coverage.gaps.map((g) => (
            <li key={g} data-testid="pack-coverage-gap">
              {g}
            </li>
          ))}
        </ul>
      ) : (
        <p>Both periods are fully covered for the categories shown.</p>
      )}
      <p>
        "{NO_DATA}": the period has no data for the category (not 0; no change is computed from it). {pack.coverage.rule}
      </p>
    </div>
  );
}

export function CategoryTable({ pack, limit }: { pack: Pack; limit?: number }) {
  const rows = limit ? pack.comparison.categories.slice(0, limit) : pack.comparison.categories;
  const more = pack.comparison.categories.length - rows.length;
  const p = pack.period;
  return (
    <table className="pack-table" data-testid="pack-categories">
      <caption>This period against the previous one, by category</caption>
      <thead>
        <tr>
          <th scope="col">Category</th>
          <th scope="col" className="num">
            {periodLabel(p.from, p.to)}
          </th>
          <th scope="col" className="num">
            {periodLabel(p.previous_from, p.previous_to)}
          </th>
          <th scope="col" className="num">
            Change
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.slug} data-testid="pack-category-row" title={r.no_data_reason ?? r.note ?? undefined}>
            <th scope="row">{r.label}</th>
            <td className="num">{current(r)}</td>
            <td className="num">{previous(r)}</td>
            <Change r={r} />
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">All categories{more > 0 ? ` (${more} more not listed)` : ''}</th>
          <td className="num">{current(pack.comparison.total)}</td>
          <td className="num">{previous(pack.comparison.total)}</td>
          <Change
            r={{
              ...pack.comparison.total,
              suppressed:
                pack.comparison.total.suppressed ??
                (pack.comparison.total.count === null || pack.comparison.total.previous_count === null),
            }}
          />
        </tr>
      </tfoot>
    </table>
  );
}

export function HotspotTable({ pack, limit, showCell = true }: { pack: Pack; limit?: number; showCell?: boolean }) {
  const cells = limit ? pack.top_cells.cells.slice(0, limit) : pack.top_cells.cells;
  return (
    <table className="pack-table" data-testid="pack-hotspots">
      <caption>Top hotspots: hexagons (H3 resolution {pack.top_cells.res}) with the most incidents this period</caption>
      <thead>
        <tr>
          <th scope="col" className="num">
            #
          </th>
          <th scope="col">Ward</th>
          <th scope="col" className="num">
            Incidents
          </th>
          <th scope="col" className="num">
            Change
          </th>
          {showCell && <th scope="col">Cell</th>}
        </tr>
      </thead>
      <tbody>
        {cells.map((c, i) => (
          <tr key={c.h3} data-testid="pack-hotspot-row">
            <td className="num">{i + 1}</td>
            <th scope="row">{c.ward_name ?? 'outside the wards'}</th>
            <td className="num">{count(c.count)}</td>
            <Change r={c} />
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

export function WardLeague({ pack, limit }: { pack: Pack; limit?: number }) {
  if (!pack.wards) return <p className="hint">No ward boundaries are loaded.</p>;
  const cov = pack.wards.coverage;
  const wardReason = [cov?.count_reason, cov?.previous_reason].filter(Boolean).join('; ') || null;
  const rows = limit ? pack.wards.areas.slice(0, limit) : pack.wards.areas;
  const more = pack.wards.areas.length - rows.length;
  const hasRate = pack.wards.areas.some((a) => a.rate_per_1000 !== null);
  return (
    <table className="pack-table" data-testid="pack-wards">
      <caption>Ward league table (ranked by incidents this period)</caption>
      <thead>
        <tr>
          <th scope="col" className="num">
            #
          </th>
          <th scope="col">Ward</th>
          <th scope="col" className="num">
            Incidents
          </th>
          {hasRate && (
            <th scope="col" className="num">
              per 1,000
            </th>
          )}
          <th scope="col" className="num">
            Change
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.code} data-testid="pack-ward-row">
            <td className="num">{a.rank}</td>
            <th scope="row">{a.name}</th>
            <td className="num">{current(a)}</td>
            {hasRate && (
              <td className="num">
                {a.count === null ? (noCurrent(a.no_data) ? NO_DATA : WITHHELD) : formatRate(a.rate_per_1000)}
              </td>
            )}
            <Change
              r={{
                change: a.change,
                change_pct: a.previous_count ? (a.change === null ? null : (a.change * 100) / a.previous_count) : null,
                suppressed: a.suppressed || a.change === null,
                no_data: a.no_data,
                no_data_reason: wardReason,
              }}
            />
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>
            {more > 0 ? `${more} more wards in the pack · ` : ''}All wards
          </th>
          <td className="num">{current({ count: pack.wards.total, no_data: pack.wards.no_data })}</td>
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
        <strong>{count(c.incidents_added)}</strong> incidents added since {sinceLabel ?? c.since} in {c.batches.length} import
        {c.batches.length === 1 ? '' : 's'}
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
