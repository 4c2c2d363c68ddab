// App shell: asks the server who is signed in, then shows the setup page (/setup), the sign-in page,
// or the signed-in app (banner, header, the current page if the role may open it).
import { lazy, Suspense, useEffect, useState } from 'react';
import { errorMessage } from './api/client';
import { prefetchRoute, useRoute } from './api/query';
import { pendingRun } from './api/opendata';
import { loadSession } from './api/session';
import { useSession, useSignedIn } from './api/session-store';
import type { PublicUser } from '../../contract/auth';
import { getAreaSets, getCategories, getConfig, getSummary, type Summary } from '../../contract/aggregates';
import { getHarmSchemes } from '../../contract/hotspots';
import { can, canOpen } from './lib/can';
import { navigate, useView } from './state/view-store';
import { Header } from './components/Header';
import { SyntheticBanner } from './components/SyntheticBanner';
import { FirstRun } from './components/FirstRun';
import { ErrorScreen } from './components/ErrorScreen';
import { NotFound } from './components/NotFound';
import { PAGE_HEADINGS, SheetBar, useSheet } from './components/Sheet';
import { MapPage } from './pages/map/MapPage';
import { useLiveInvalidation } from './lib/live-hooks';
import { ImportPage } from './pages/import/ImportPage';
import { SignInPage } from './pages/auth/SignInPage';
import { SetupPage } from './pages/auth/SetupPage';

// Pages other than the map load on demand (their own chunks: drawing library, admin tables, the pack).
const named = <K extends string>(load: () => Promise<Record<K, React.ComponentType<any>>>, key: K) =>
  lazy(() => load().then((m) => ({ default: m[key] })));
const PresentPage = named(() => import('./pages/present/PresentPage'), 'PresentPage');
const PackPage = named(() => import('./pages/pack/PackPage'), 'PackPage');
const JourneysPage = named(() => import('./pages/journeys/JourneysPage'), 'JourneysPage');
const UsersPage = named(() => import('./pages/admin/UsersPage'), 'UsersPage');
const SettingsPage = named(() => import('./pages/admin/SettingsPage'), 'SettingsPage');
const AuditPage = named(() => import('./pages/admin/AuditPage'), 'AuditPage');
const PlanningPage = named(() => import('./pages/planning/PlanningPage'), 'PlanningPage');
const ChbPage = named(() => import('./pages/chb/ChbPage'), 'ChbPage');
const KnoxPage = named(() => import('./pages/knox/KnoxPage'), 'KnoxPage');

export function isEmptyDatabase(s: Summary): boolean {
  return s.incidents === 0 && s.area_sets.length === 0;
}

export function App() {
  const session = useSession();
  const view = useView();
  const [loadError, setLoadError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry button's trigger: each press loads the session again.
  useEffect(() => {
    setLoadError(null);
    loadSession().catch((e) => setLoadError(errorMessage(e)));
  }, [attempt]);
  // The data every signed-in page starts from, asked beside the session rather than after it (one round trip
  // instead of three before the map's own requests); signed out, the 401s are dropped and asked again later.
  useEffect(() => {
    if (window.location.pathname === '/setup') return;
    prefetchRoute(getSummary, { query: {} });
    prefetchRoute(getConfig, { query: {} });
    prefetchRoute(getCategories, { query: {} });
    prefetchRoute(getAreaSets, { query: {} });
    prefetchRoute(getHarmSchemes, { query: {} });
  }, []);

  const user = session.status === 'signed-in' ? session.user : null;
  let page: React.ReactNode;
  if (view.page === 'setup') page = <SetupPage signedInAs={user?.email ?? null} />;
  else if (loadError) page = <ErrorScreen message={loadError} onRetry={() => setAttempt((n) => n + 1)} />;
  else if (session.status === 'loading') page = <p className="page-loading">Loading…</p>;
  else if (session.status === 'signed-out')
    page = <SignInPage setupNeeded={session.setupNeeded} demoLogin={!!session.demoLogin} notice={session.notice} />;
  else return <SignedInApp key={session.user.id} user={session.user} />;

  return (
    <div className="app">
      <Header summary={null} page={view.page} user={null} />
      <main className="app-main">
        <Suspense fallback={<p className="page-loading">Loading…</p>}>{page}</Suspense>
      </main>
    </div>
  );
}

function SignedInApp({ user }: { user: PublicUser }) {
  const session = useSignedIn();
  const view = useView();
  // New incidents on the change feed mark every cached API answer stale (TanStack Query).
  useLiveInvalidation();
  const summary = useRoute(getSummary, { query: {} });
  const config = useRoute(getConfig, { query: {} });
  const { refetch: reloadSummary } = summary;
  const { refetch: reloadConfig } = config;
  // A page the role cannot use (an old URL after signing in as someone else, a link from the welcome
  // screen): go to the map, which every role can use, rather than a dead end.
  const allowed = canOpen(session, view.page);
  useEffect(() => {
    if (!allowed) navigate('/', { replace: true });
  }, [allowed]);

  // Phones: which side panel of a map page is open as a sheet (components/Sheet.tsx).
  const [sheet, setSheet] = useSheet(view.page);

  let page: React.ReactNode;
  let firstRun: React.ReactNode = null;
  if (!allowed) page = <p className="page-loading">Loading…</p>;
  else if (view.page === 'notfound') page = <NotFound path={view.path ?? window.location.pathname} />;
  else if (view.page === 'users') page = <UsersPage me={user} />;
  else if (view.page === 'settings') page = <SettingsPage />;
  else if (view.page === 'audit') page = <AuditPage />;
  else if (summary.error && !summary.data)
    page = <ErrorScreen message={errorMessage(summary.error)} onRetry={() => void reloadSummary()} />;
  else if (!summary.data || (!config.data && !config.error)) page = <p className="page-loading">Loading…</p>;
  else if (view.page === 'import')
    page = (
      <ImportPage
        onImported={() => {
          void reloadSummary();
          void reloadConfig(); // the credits follow what is loaded
        }}
      />
    );
  else if (view.page === 'journeys') page = <JourneysPage config={config.data ?? { basemapStyleUrl: null, attribution: [] }} />;
  else if (view.page === 'present')
    page = <PresentPage summary={summary.data} config={config.data ?? { basemapStyleUrl: null, attribution: [] }} />;
  else if (view.page === 'pack')
    page = <PackPage summary={summary.data} config={config.data ?? { basemapStyleUrl: null, attribution: [] }} />;
  else if (isEmptyDatabase(summary.data) || (pendingRun() !== null && view.page === 'map'))
    page = firstRun = <FirstRun canImport={can(session, 'imports.write')} isAdmin={can(session, 'admin')} />;
  else if (view.page === 'planning') page = <PlanningPage config={config.data ?? { basemapStyleUrl: null, attribution: [] }} />;
  else if (view.page === 'knox') page = <KnoxPage />;
  else if (view.page === 'chb') page = <ChbPage config={config.data ?? { basemapStyleUrl: null, attribution: [] }} />;
  else page = <MapPage summary={summary.data} config={config.data ?? { basemapStyleUrl: null, attribution: [] }} />;

  // The first-run screen has its own heading.
  const heading = firstRun ? undefined : PAGE_HEADINGS[view.page];
  return (
    <div className="app" data-sheet={sheet ?? undefined}>
      {summary.data?.synthetic && <SyntheticBanner />}
      <Header summary={summary.data ?? null} page={view.page} user={user} />
      <main className="app-main">
        {heading && <h1 className="visually-hidden">{heading}</h1>}
        <Suspense fallback={<p className="page-loading">Loading…</p>}>{page}</Suspense>
      </main>
      {!firstRun && <SheetBar page={view.page} open={sheet} onChange={setSheet} />}
    </div>
  );
}
