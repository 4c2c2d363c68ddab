// The top-N hot spots beside the map under Gi* (cells or areas, ranked by Gi* z as the API orders them,
// a hot unit without incidents of its own said to be hot through its neighbours), each
// selectable (zooms to it), exportable as CSV or GeoJSON (with h3 for cells) through the purpose and
// recipient dialog. Partners see classes and "withheld" counts, no z.
import { useState } from 'react';
import type { Filters } from '../../../api/client';
import { getHotspotsTop } from '../../../../../contract/hotspots';
import { exportHotspotList, statQuery, type StatParams, type UnitQuery } from '../../../api/hotspots';
import { useRoute } from '../../../api/query';
import { ExportDialog } from '../../../components/ExportDialog';
import { formatCount, WITHHELD } from '../../../lib/format';
import { HOT_COLD_COLOURS, HOT_COLD_LABELS } from '../../../map/layers/hotspots';
import { describeScheme, formatZ, unitId } from '../../../map/prepare/hotspots';
import { TOP_SIZES } from './hotspot-url';
import { setHotspot } from './HotspotPanel';
import { giClassText } from './side-lists';
import { UnitRow } from './SideLists';

export function TopList({
  unit,
  unitLabel,
  filters,
  stat,
  n,
  selectedId,
  onPick,
}: {
  unit: UnitQuery;
  unitLabel: string;
  filters: Filters;
  stat: StatParams;
  n: number;
  selectedId: string | null;
  onPick: (u: { h3?: string; code?: string }) => void;
}) {
  const [exporting, setExporting] = useState(false);
  const top = useRoute(getHotspotsTop, { query: { ...statQuery(unit, filters, stat), n: String(n) } });
  const rows = top.data?.top ?? [];
  const partner = !!top.data?.meta.scores_withheld;
  const cells = 'res' in unit;
  return (
    <div className="panel top-list" data-testid="top-list">
      <div className="panel-head">
        <h2 className="panel-title">Top {n} hot spots</h2>
        <select
          aria-label="List length"
          value={n}
          onChange={(e) => setHotspot({ top: Number(e.target.value) })}
          data-testid="top-n"
        >
          {TOP_SIZES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <p className="hint">
        {unitLabel}, ranked by Gi* z{top.data ? `; ${describeScheme(top.data.meta.scheme)}` : ''}
      </p>
      {top.error && <p className="error-text">{top.error.message}</p>}
      {top.isLoading && <p className="hint">Loading…</p>}
      <table className="top-table">
        <thead>
          <tr>
            <th>#</th>
            <th>{cells ? 'Place (H3 cell)' : 'Name'}</th>
            <th>Class</th>
            <th className="num">Count</th>
            {!partner && <th className="num">z</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <UnitRow
              key={unitId(r)}
              row={r}
              cells={cells}
              selectedId={selectedId}
              onPick={onPick}
              testId="top-row"
              before={<td>{r.rank}</td>}
            >
              <td data-testid="top-class">
                <span className="swatch" style={{ background: HOT_COLD_COLOURS[r.class] }} title={HOT_COLD_LABELS[r.class]} />
                {giClassText(r.class, r.count)}
              </td>
              <td className="num">{r.count === null ? WITHHELD : formatCount(r.count)}</td>
              {!partner && <td className="num">{formatZ(r.gi_z)}</td>}
            </UnitRow>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => setExporting(true)} disabled={!top.data} data-testid="top-export">
        Export list…
      </button>
      {exporting && (
        <ExportDialog
          title={`Export the top ${n} hot spots`}
          description={
            <>
              The {n} {cells ? 'H3 cells (with their h3 index)' : 'areas'} ranked highest by Gi* z with count, harm value,{' '}
              {partner ? 'class (counts below the threshold withheld)' : 'z, p, adjusted p and class'}; the file states the
              method, neighbourhood, correction and harm scheme.
            </>
          }
          formats={[
            { value: 'csv', label: 'CSV' },
            { value: 'geojson', label: 'GeoJSON (polygons)' },
          ]}
          onExport={(stated, format) => exportHotspotList(unit, filters, stat, n, format as 'csv' | 'geojson', stated)}
          onClose={() => setExporting(false)}
        />
      )}
    </div>
  );
}
