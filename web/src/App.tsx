// App shell: banner, header navigation and the current page.
import { api } from './api/client';
import { useApi } from './lib/use-api';
import { useView } from './state/view-store';
import { Header } from './components/Header';
import { SyntheticBanner } from './components/SyntheticBanner';
import { FirstRun } from './components/FirstRun';
import { ErrorScreen } from './components/ErrorScreen';
import { MapPage } from './pages/map/MapPage';
import { ImportPage } from './pages/import/ImportPage';
import type { Summary } from './api/types';

export function isEmptyDatabase(s: Summary): boolean {
  return s.incidents === 0 && s.area_sets.length === 0;
}

export function App() {
  const view = useView();
  const summary = useApi((signal) => api.summary(signal), []);
  const config = useApi((signal) => api.config(signal), []);

  let page: React.ReactNode;
  if (summary.error && !summary.data) page = <ErrorScreen message={summary.error} onRetry={summary.reload} />;
  else if (!summary.data || (!config.data && !config.error)) page = <p className="page-loading">Loading…</p>;
  else if (view.page === 'import') page = <ImportPage onImported={summary.reload} />;
  else if (isEmptyDatabase(summary.data)) page = <FirstRun />;
  else page = <MapPage summary={summary.data} config={config.data ?? { basemapStyleUrl: null, attribution: [] }} />;

  return (
    <div className="app">
      {summary.data?.synthetic && <SyntheticBanner />}
      <Header summary={summary.data} page={view.page} />
      <main className="app-main">{page}</main>
    </div>
  );
}
