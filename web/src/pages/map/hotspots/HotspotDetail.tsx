// The selected cell or area under a hotspot statistic: its figures (Gi*: count, harm value, z, p,
// adjusted p, class; emerging: pattern, trend, final class; change: counts and the test's p and
// direction) — "withheld" and class only for partners — and its time profile.
import type { Filters } from '../../../api/client';
import { getProfile, type ChangeRow, type EmergingRow, type HotspotRow } from '../../../../../contract/hotspots';
import { filterQuery } from '../../../api/hotspots';
import { useRoute } from '../../../api/query';
import { formatCount, WITHHELD } from '../../../lib/format';
import { HOT_COLD_LABELS } from '../../../map/layers/hotspots';
import { EMERGING_LABELS } from '../../../map/layers/emerging';
import { CHANGE_LABELS } from '../../../map/layers/change';
import { changeClass, describeScheme, formatP, formatZ } from '../../../map/prepare/hotspots';
import type { Selection } from '../../../state/url-state';
import type { HotspotInfo } from './use-hotspots';
import type { HotspotView } from './hotspot-url';
import { TimeProfile } from './TimeProfile';

const value = (v: number | null | undefined, withheld: boolean) =>
  withheld || v === null ? WITHHELD : v === undefined ? '—' : formatCount(v);
const harm = (v: number | null, withheld: boolean) =>
  withheld || v === null ? WITHHELD : v.toLocaleString('en-GB', { maximumFractionDigits: 1 });

function Figure({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function GiFigures({ r, scores }: { r: HotspotRow; scores: boolean }) {
  const w = r.count === null || !!r.suppressed;
  return (
    <dl className="detail-figures" data-testid="hotspot-figures">
      <Figure label="Incidents" testId="hs-count">
        {value(r.count, w)}
      </Figure>
      <Figure label="Harm value" testId="hs-value">
        {harm(r.value, w)}
      </Figure>
      {scores && (
        <Figure label="Gi* z" testId="hs-z">
          {formatZ(r.gi_z)}
        </Figure>
      )}
      {scores && (
        <Figure label="p (two-sided)" testId="hs-p">
          {formatP(r.p)}
        </Figure>
      )}
      {scores && (
        <Figure label="Adjusted p" testId="hs-padj">
          {formatP(r.p_adjusted)}
        </Figure>
      )}
      <Figure label="Class" testId="hs-class">
        {HOT_COLD_LABELS[r.class]}
      </Figure>
    </dl>
  );
}

function EmergingFigures({ r, step }: { r: EmergingRow; step: number | null }) {
  const z = step !== null ? r.z?.[step] : r.final.gi_z;
  const cls = step !== null ? r.class?.[step] : r.final.class;
  return (
    <dl className="detail-figures" data-testid="hotspot-figures">
      <Figure label="Pattern" testId="hs-pattern">
        {EMERGING_LABELS[r.pattern]}
      </Figure>
      <Figure label="Trend (Mann–Kendall)">
        {r.trend.z === null ? `p ${formatP(r.trend.p)}` : `z ${formatZ(r.trend.z)}, p ${formatP(r.trend.p)}`}
      </Figure>
      <Figure label={step !== null ? 'Class this period' : 'Class, last period'} testId="hs-class">
        {cls ? HOT_COLD_LABELS[cls] : '—'}
      </Figure>
      {z !== null && z !== undefined && (
        <Figure label="Gi* z" testId="hs-z">
          {formatZ(z)}
        </Figure>
      )}
      <Figure label="Periods hot / cold">{`${Math.round(r.hot_share * 100)}% / ${Math.round(r.cold_share * 100)}%`}</Figure>
    </dl>
  );
}

function ChangeFigures({ r, vs }: { r: ChangeRow; vs: HotspotView['vs'] }) {
  const s = r.suppressed;
  const other = vs === 'year_ago' ? r.year_ago : r.previous;
  const otherWithheld = vs === 'year_ago' ? !!s?.year_ago : !!s?.previous;
  const cmp = vs === 'year_ago' ? r.vs_year_ago : r.vs_previous;
  const cls = changeClass(cmp, r.current === null || other === null);
  return (
    <dl className="detail-figures" data-testid="hotspot-figures">
      <Figure label="This window" testId="hs-count">
        {value(r.current, !!s?.current)}
      </Figure>
      <Figure label={vs === 'year_ago' ? 'A year earlier' : 'Previous window'}>{value(other, otherWithheld)}</Figure>
      <Figure label="Change">{CHANGE_LABELS[cls]}</Figure>
      <Figure label="p (C-test)">{cls === 'withheld' ? WITHHELD : formatP(cmp?.p)}</Figure>
    </dl>
  );
}

export function HotspotDetail({
  selection,
  level,
  levelLabel,
  filters,
  info,
  hs,
  onClose,
}: {
  selection: NonNullable<Selection>;
  level: string;
  levelLabel: string;
  filters: Filters;
  info: HotspotInfo;
  hs: HotspotView;
  onClose: () => void;
}) {
  const id = selection.kind === 'area' ? selection.code : selection.h3;
  const target = selection.kind === 'area' ? { level, code: selection.code } : { h3: selection.h3 };
  // The profile covers the whole of the data (no window), so the trend around the window shows.
  const profile = useRoute(getProfile, { query: { ...target, ...filterQuery({ categories: filters.categories }) } });
  const row = info.row(id);
  const d = info.data;
  const name = (row && 'name' in row && row.name) || profile.data?.selection.name;
  const scores = d?.mode === 'gi' ? !d.meta.scores_withheld : true;
  return (
    <div className="panel detail hotspot-detail" data-testid="hotspot-detail">
      <div className="detail-head">
        <div>
          <h2 className="detail-title">
            {selection.kind === 'area' ? (name ?? id) : (row && 'place' in row && row.place?.name) || 'H3 cell'}
          </h2>
          <p className="hint">{selection.kind === 'area' ? `${levelLabel} ${id}` : `H3 ${id}`}</p>
        </div>
        <button type="button" className="close" onClick={onClose} aria-label="Close details" data-testid="detail-close">
          ×
        </button>
      </div>
      {d && !row && <p className="hint">Not a unit of the statistic shown (outside the study area, or other units selected).</p>}
      {d?.mode === 'gi' && row && <GiFigures r={row as HotspotRow} scores={scores} />}
      {d?.mode === 'emerging' && row && <EmergingFigures r={row as EmergingRow} step={hs.step} />}
      {d?.mode === 'change' && row && <ChangeFigures r={row as ChangeRow} vs={hs.vs} />}
      {d?.mode === 'gi' && !scores && (
        <p className="hint disclosure-note" data-testid="hs-scores-withheld">
          Class only: z-scores and p-values are not shown to partners.
        </p>
      )}
      {d && <p className="hint">Harm scheme: {describeScheme(d.meta.scheme)}</p>}
      {profile.error && <p className="error-text">{profile.error.message}</p>}
      {profile.data && <TimeProfile profile={profile.data} />}
    </div>
  );
}
