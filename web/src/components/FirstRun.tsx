// Shown on the map page while the database holds neither incidents nor boundaries.
import { navigate } from '../state/view-store';
import { OpenDataStart } from './OpenDataStart';

export function FirstRun({ canImport, onData }: { canImport: boolean; onData?: () => void }) {
  return (
    <div className="first-run" data-testid="first-run">
      <h1>Welcome to Saferplaces</h1>
      {!canImport && <p className="hint">Loading data is for analysts: ask one to import boundaries and incidents.</p>}
      <p>
        There is no data yet. Load area boundaries (wards, LSOAs…) and incident records, and the map will show
        hotspots, ward rankings and trends.
      </p>
      {canImport && <OpenDataStart onDone={onData ?? (() => window.location.reload())} />}
      <div className="first-run-options">
        <section>
          <h2>1. Upload files in the browser</h2>
          <p>
            On the <a href="/import" onClick={(e) => { e.preventDefault(); navigate('/import'); }}>Import page</a>, upload a
            boundary file (GeoJSON or TopoJSON, e.g. wards) and then police.uk street CSVs or your own incident CSV.
            Progress, a summary and any rejected rows are shown.
          </p>
        </section>
        <section>
          <h2>2. Import from the command line</h2>
          <pre>
            npm run import -- --level ward wards.geojson{'\n'}npm run import -- 2024-01-metropolitan-street.csv
          </pre>
          <p>Load boundaries first so incidents can be assigned to areas. Reload this page afterwards.</p>
        </section>
        <section>
          <h2>3. Try the synthetic demo</h2>
          <pre>npm run demo</pre>
          <p>Loads invented incidents for a demonstration. They are clearly marked as synthetic — not real crime.</p>
        </section>
      </div>
    </div>
  );
}
