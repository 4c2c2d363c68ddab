// The tasking pack: one printable page (print CSS; the browser's "Save as PDF") with map images of
// the chosen views, the period comparison, the hotspot and ward tables, what changed since the last
// meeting and the planning sections (the server's, as in the zip); and the same data as a zip through the
// purpose/recipient dialog.
// Partners see withheld counts as "withheld" (the server applies the disclosure rule).
import { useMemo, useState } from 'react';
import { exportPack } from '../../../../contract/live';
import { routeUrl } from '../../api/call';
import { downloadFile } from '../../api/client';
import { packParams } from '../../api/live';
import type { AppConfig, Summary } from '../../../../contract/aggregates';
import { useUser } from '../../api/session-store';
import { ExportDialog } from '../../components/ExportDialog';
import { withheldNote } from '../../lib/format';
import { useLiveNonce } from '../../lib/live-hooks';
import { comparisonText } from '../../lib/live-view';
import { ROLE_LABELS } from '../../../../contract/capabilities';
import { parseView, type ViewState } from '../../state/url-state';
import { useView } from '../../state/view-store';
import { MapImages } from './MapImages';
import { CategoryTable, ChangesSince, CoverageNote, HotspotTable, WardLeague } from './PackTables';
import { PlanningSections } from './PlanningSections';
import type { PackView } from './render-views';
import { usePack, usePackCoverage } from './use-pack';
import { CoverageStrip } from '../../components/CoverageStrip';
import { ResultStatement } from '../../components/DefinitionNote';
import './pack.css';

/** The views drawn: the one the pack was opened on (when it has a position), the whole area, and any added. */
function packViews(view: ViewState, added: PackView[]): PackView[] {
  const overview: PackView = { title: 'Whole area', view: { ...view, camera: null } };
  return view.camera ? [{ title: 'Current view', view }, overview, ...added] : [overview, ...added];
}

export function PackPage({ config }: { summary: Summary; config: AppConfig }) {
  const view = useView();
  const user = useUser();
  const live = useLiveNonce();
  const { pack, error, query, sinceLabel, monthPrecision } = usePack(view, 20);
  const cov = usePackCoverage(pack, live);
  const [added, setAdded] = useState<PackView[]>([]);
  const [addUrl, setAddUrl] = useState('');
  const [addError, setAddError] = useState<string | null>(null);
  const [mapsDone, setMapsDone] = useState(false);
  const [exporting, setExporting] = useState(false);
  const views = useMemo(() => packViews(view, added), [view, added]);
  const from = pack?.period.from;
  const to = pack?.period.to;
  const period = useMemo(() => (from && to ? { from, to } : null), [from, to]);

  const addView = (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const u = new URL(addUrl.trim(), window.location.origin);
      const v = parseView(u.pathname, u.search);
      if (!v.camera) throw new Error('that link has no map position (at=…)');
      setAdded((a) => [...a, { title: `View ${a.length + 1}`, view: { ...v, categories: view.categories } }]);
      setAddUrl('');
      setAddError(null);
    } catch (err) {
      setAddError(`Not a map view link: ${(err as Error).message}`);
    }
  };

  const ready = !!pack && mapsDone;
  return (
    <div className="pack-page" data-testid="pack-page" data-ready={ready ? 'true' : 'false'}>
      <h1>Tasking pack</h1>
      {pack && (
        <>
          <p className="pack-meta" data-testid="pack-period">
            {comparisonText(pack.period, monthPrecision)}
            {pack.categories_filter ? ` · categories: ${pack.categories_filter.join(', ')}` : ' · all categories'}.
          </p>
          <ResultStatement set={pack.category_set} testid="pack-category-set" />
          <div className="pack-coverage">
            <CoverageStrip categories={cov.categories} period={cov.period} previous={cov.previous} report={cov.report} />
          </div>
          <p className="pack-meta">
            Prepared {new Date(pack.generated_at).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short' })} by{' '}
            {user.email} ({ROLE_LABELS[user.role]}).{' '}
            {pack.disclosure
              ? withheldNote(pack.disclosure.min_count)
              : "OFFICIAL-SENSITIVE: do not share beyond the meeting without the analyst's agreement."}
          </p>
        </>
      )}
      <div className="pack-actions no-print">
        <button type="button" className="primary" onClick={() => window.print()} disabled={!pack} data-testid="pack-print">
          Print / save as PDF
        </button>
        <button type="button" onClick={() => setExporting(true)} disabled={!pack} data-testid="pack-zip">
          Download zip…
        </button>
        <form onSubmit={addView} className="pack-add">
          <input
            value={addUrl}
            onChange={(e) => setAddUrl(e.target.value)}
            placeholder="add a map view: paste its link"
            aria-label="Map view link"
            size={40}
          />
          <button type="submit">Add view</button>
        </form>
        {addError && <span className="error-text">{addError}</span>}
        {!ready && <span className="hint">Preparing…</span>}
      </div>
      {error && <p className="error-text">Pack: {error}</p>}
      {pack && (
        <>
          <MapImages views={views} period={period} onDone={setMapsDone} config={config} />
          <div className="pack-columns">
            <section className="pack-section">
              <h2>Period comparison</h2>
              <CategoryTable pack={pack} />
              <CoverageNote pack={pack} />
            </section>
            <section className="pack-section">
              <h2>Since the last meeting</h2>
              <ChangesSince pack={pack} sinceLabel={sinceLabel} />
            </section>
            <section className="pack-section">
              <h2>Hotspots</h2>
              <HotspotTable pack={pack} />
            </section>
            <section className="pack-section">
              <h2>Wards</h2>
              <WardLeague pack={pack} />
            </section>
          </div>
          <PlanningSections pack={pack} />
          <p className="pack-meta">Contains public sector information licensed under the Open Government Licence v3.0.</p>
        </>
      )}
      {exporting && pack && (
        <ExportDialog
          title="Download the tasking pack (zip)"
          description={
            <p>
              CSV tables (period comparison, top cells, ward league, changes since, and the planning sections shown below: patrol
              boxes, outreach sites, CHB areas), GeoJSON of the hotspot cells, wards, patrol boxes, outreach sites and CHB areas,
              and a README. {pack.disclosure ? 'Withheld counts stay withheld.' : ''}
            </p>
          }
          formats={[{ value: 'zip', label: 'ZIP' }]}
          onExport={(stated) => downloadFile(routeUrl(exportPack), { ...stated, filters: packParams(query) }, 'tasking-pack.zip')}
          onClose={() => setExporting(false)}
        />
      )}
    </div>
  );
}
