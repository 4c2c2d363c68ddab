// Shown on the map page while the database holds neither incidents nor boundaries.
import { navigate } from '../state/view-store';
import { OpenDataStart } from './OpenDataStart';

const go = (url: string) => (e: React.MouseEvent) => {
  e.preventDefault();
  navigate(url);
};

export function FirstRun({ canImport, isAdmin = false, onData }: { canImport: boolean; isAdmin?: boolean; onData?: () => void }) {
  return (
    <div className="first-run" data-testid="first-run">
      <h1>Welcome to Saferplaces</h1>
      {!canImport && isAdmin && (
        <p className="hint" data-testid="first-run-admin">
          Loading data is for analysts. Add an analyst account on the{' '}
          <a href="/admin/users" onClick={go('/admin/users')}>
            Users page
          </a>{' '}
          (it can be yours, with another email address), then sign in as it to import boundaries and incidents.
        </p>
      )}
      {!canImport && !isAdmin && (
        <p className="hint">Loading data is for analysts: ask one to import boundaries and incidents.</p>
      )}
      <p>
        There is no data yet. Load area boundaries (wards, LSOAs…) and incident records, and the map will show hotspots, ward
        rankings and trends.
      </p>
      {canImport && <OpenDataStart onDone={onData ?? (() => window.location.reload())} />}
      <div className="first-run-options">
        <section>
          <h2>1. Upload files in the browser</h2>
          <p>
            {canImport ? (
              <>
                On the{' '}
                <a href="/import" onClick={go('/import')} data-testid="first-run-import">
                  Import page
                </a>
                , upload a
              </>
            ) : (
              <>An analyst uploads on the Import page a </>
            )}
            boundary file (GeoJSON or TopoJSON, e.g. wards) and then police.uk street CSVs or your own incident CSV. Progress, a
            summary and any rejected rows are shown.
          </p>
        </section>
        <section>
          <h2>2. Import from the command line</h2>
          <pre>npm run import -- wards.geojson{'\n'}npm run import -- 2024-01-metropolitan-street.csv</pre>
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
