// The list beside the map under Change and Emerging (issue 14; Gi* keeps TopList): tabs for the mode's
// lists (side-lists.ts), the open one in the URL and the meeting view (hslist), each row selectable.
// Change: the biggest significant increases or decreases with both counts, the change and its C-test;
// Emerging: the units of one pattern. Unit names are rendered by UnitName only.
import type { ChangeRow, EmergingRow } from '../../../../../contract/hotspots';
import type { PlaceName } from '../../../../../contract/places';
import { PlaceLabel } from '../../../components/PlaceLabel';
import { formatCount } from '../../../lib/format';
import { EMERGING_COLOURS } from '../../../map/layers/emerging';
import { formatP, formatZ, unitId } from '../../../map/prepare/hotspots';
import { updateView } from '../../../state/view-store';
import type { HotspotView } from './hotspot-url';
import { changeLists, openList, patternGroups, signed, type SideList } from './side-lists';
import type { HotspotData } from './use-hotspots';

type Pick = (u: { h3?: string; code?: string }) => void;

const setList = (list: string) => updateView((v) => ({ ...v, hotspot: { ...v.hotspot, list } }));

/**
 * A unit's name in a list (one place for the label): for cells the street and ward from the data with the H3
 * index beneath (the index alone when the data name no street), the area's name otherwise.
 */
export function UnitName({
  row,
  cells,
}: {
  row: { h3?: string; code?: string; name?: string; place?: PlaceName };
  cells: boolean;
}) {
  const id = unitId(row);
  return (
    <td className="top-name" title={id}>
      {cells ? <PlaceLabel place={row.place} id={id} /> : (row.name ?? id)}
    </td>
  );
}

/** One row of a unit list: selectable, named by UnitName, the rest of its cells after. */
export function UnitRow({
  row,
  cells,
  selectedId,
  onPick,
  data,
  testId = 'side-row',
  before,
  children,
}: {
  row: { h3?: string; code?: string; name?: string; place?: PlaceName };
  testId?: string;
  /** Cells before the name (a rank). */
  before?: React.ReactNode;
  cells: boolean;
  selectedId: string | null;
  onPick: Pick;
  data?: Record<`data-${string}`, string | number>;
  children: React.ReactNode;
}) {
  const id = unitId(row);
  return (
    <tr className={id === selectedId ? 'selected' : ''} onClick={() => onPick(row)} data-testid={testId} data-id={id} {...data}>
      {before}
      <UnitName row={row} cells={cells} />
      {children}
    </tr>
  );
}

interface ListProps<R> {
  rows: readonly R[];
  hs: HotspotView;
  cells: boolean;
  unitLabel: string;
  selectedId: string | null;
  onPick: Pick;
}

function Tabs({ lists, open, counts }: { lists: readonly SideList[]; open: string; counts: Record<string, number> }) {
  return (
    <div className="mode-switch side-tabs" role="tablist" aria-label="Lists">
      {lists.map((l) => (
        <button
          key={l.id}
          type="button"
          role="tab"
          aria-selected={l.id === open}
          className={l.id === open ? 'active' : ''}
          onClick={() => setList(l.id)}
          data-testid={`side-tab-${l.id}`}
        >
          {l.label} <span className="legend-n">{counts[l.id] ?? 0}</span>
        </button>
      ))}
    </div>
  );
}

function ChangeList({ rows, hs, cells, unitLabel, selectedId, onPick }: ListProps<ChangeRow>) {
  const lists = changeLists(rows, hs.vs, hs.top);
  const open = openList('change', hs.list) as 'increases' | 'decreases';
  const items = lists[open];
  const other = hs.vs === 'year_ago' ? 'Year before' : 'Before';
  return (
    <div className="panel top-list side-list" data-testid="side-list" data-list={open}>
      <h2 className="panel-title">Biggest significant changes</h2>
      <Tabs
        lists={[
          { id: 'increases', label: 'Increases' },
          { id: 'decreases', label: 'Decreases' },
        ]}
        open={open}
        counts={{ increases: lists.increases.length, decreases: lists.decreases.length }}
      />
      <p className="hint">
        {unitLabel} whose count {open === 'increases' ? 'rose' : 'fell'} beyond chance (Poisson C-test, p &lt; 0.05), largest
        change first; at most {hs.top}.
      </p>
      {items.length === 0 ? (
        <p className="hint" data-testid="side-empty">
          No significant {open === 'increases' ? 'increase' : 'decrease'} in this window.
        </p>
      ) : (
        <table className="top-table">
          <thead>
            <tr>
              <th>{cells ? 'H3 cell' : 'Name'}</th>
              <th className="num">{other}</th>
              <th className="num">Now</th>
              <th className="num">Change</th>
              <th className="num">p</th>
            </tr>
          </thead>
          <tbody>
            {items.map((it) => (
              <UnitRow
                key={unitId(it.row)}
                row={it.row}
                cells={cells}
                selectedId={selectedId}
                onPick={onPick}
                data={{ 'data-change': it.change, 'data-p': it.p }}
              >
                <td className="num">{formatCount(it.other)}</td>
                <td className="num">{formatCount(it.current)}</td>
                <td className="num">{signed(it.change)}</td>
                <td className="num">{formatP(it.p)}</td>
              </UnitRow>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function EmergingList({ rows, hs, cells, unitLabel, selectedId, onPick }: ListProps<EmergingRow>) {
  const groups = patternGroups(rows);
  const open = openList(
    'emerging',
    hs.list,
    groups.map((g) => g.pattern),
  );
  const group = groups.find((g) => g.pattern === open);
  const shown = group?.rows.slice(0, hs.top) ?? [];
  return (
    <div className="panel top-list side-list" data-testid="side-list" data-list={open ?? ''}>
      <h2 className="panel-title">Units by pattern</h2>
      {groups.length === 0 ? (
        <p className="hint" data-testid="side-empty">
          No {unitLabel} has an emerging hot or cold spot pattern in this window.
        </p>
      ) : (
        <>
          <Tabs
            lists={groups.map((g) => ({ id: g.pattern, label: g.label }))}
            open={open ?? ''}
            counts={Object.fromEntries(groups.map((g) => [g.pattern, g.rows.length]))}
          />
          <p className="hint">
            {group ? `${group.rows.length} ${unitLabel}, ${group.label.toLowerCase()}` : ''}; by z in the last period, largest
            first{group && group.rows.length > shown.length ? ` (first ${shown.length})` : ''}.
          </p>
          <table className="top-table">
            <thead>
              <tr>
                <th>{cells ? 'H3 cell' : 'Name'}</th>
                <th className="num">Periods hot</th>
                <th className="num">z last</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <UnitRow
                  key={unitId(r)}
                  row={r}
                  cells={cells}
                  selectedId={selectedId}
                  onPick={onPick}
                  data={{ 'data-pattern': r.pattern }}
                >
                  <td className="num">
                    <span className="swatch" style={{ background: EMERGING_COLOURS[r.pattern] }} />
                    {Math.round(r.hot_share * 100)}%
                  </td>
                  <td className="num">{formatZ(r.final.gi_z)}</td>
                </UnitRow>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

/** The side list of Change or Emerging (null for other modes: Gi* has TopList). */
export function SideLists({ data, ...p }: Omit<ListProps<never>, 'rows'> & { data: HotspotData | null }) {
  if (data?.mode === 'change') return <ChangeList rows={data.rows} {...p} />;
  if (data?.mode === 'emerging') return <EmergingList rows={data.rows} {...p} />;
  return null;
}
