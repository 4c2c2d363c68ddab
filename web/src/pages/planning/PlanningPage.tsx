// The Planning page (issue 6): its own map with the intervention register, and four tabs — the register
// (add, edit by drawing or clicking the map, import), coverage and gaps, patrol boxes, outreach sites.
// The register list, the selected intervention and its history sit on the right. What each role sees
// follows the server's rules (roles.ts): partners get coverage shares only. Coverage and outreach say
// whether they walk along a loaded walking network or use straight lines (WalkingNetwork); shown results
// are re-run by their panels when new incidents arrive (the live feed, lib/live-hooks).
import { useEffect, useMemo, useRef, useState } from 'react';
import * as contract from '../../../../contract/planning';
import type { Intervention, SiteGeometry } from '../../../../contract/planning';
import type { AppConfig } from '../../../../contract/aggregates';
import { errorMessage } from '../../api/client';
import { useRoute } from '../../api/query';
import { useSignedIn } from '../../api/session-store';
import { can } from '../../lib/can';
import { geometryBbox, interventionFeatures, isoToday, typeStyles } from '../../map/prepare/planning';
import type { DrawKind, PlanningLayerParams } from './PlanningMapController';
import { usePlanningMap } from './use-planning-map';
import { usePlanningView, type PlanningTab } from './planning-url';
import { AnalysisWindow, DEFAULT_WINDOW, type WindowState } from './AnalysisWindow';
import { InterventionForm, type Editing } from './InterventionForm';
import { AddType, ImportInterventions } from './RegisterTools';
import { RegisterList } from './RegisterList';
import { InterventionDetail } from './InterventionDetail';
import { CoveragePanel } from './CoveragePanel';
import { PatrolPanel } from './PatrolPanel';
import { OutreachPanel } from './OutreachPanel';
import { PlanningLegend } from './PlanningLegend';
import { WalkingNetwork } from './WalkingNetwork';
import './planning.css';
import { SearchBox, resultBounds } from '../../components/SearchBox';
import { PngExport, periodText } from '../../components/PngExport';

const TAB_LABELS: Record<PlanningTab, string> = {
  register: 'Register',
  coverage: 'Coverage',
  patrol: 'Patrol',
  outreach: 'Outreach',
};
const NO_WARDS: string[] = [];

export function PlanningPage({ config }: { config: AppConfig }) {
  const session = useSignedIn();
  const readRegister = can(session, 'register.read');
  const edit = can(session, 'register.write');
  const plan = can(session, 'planning.write');
  const allowed: PlanningTab[] = [
    ...(readRegister ? (['register'] as const) : []),
    'coverage',
    ...(plan ? (['patrol', 'outreach'] as const) : []),
  ];
  const [view, setView] = usePlanningView();
  const tab = allowed.includes(view.tab) ? view.tab : allowed[0];
  const [win, setWin] = useState<WindowState>(DEFAULT_WINDOW);
  const [lastRun, setLastRun] = useState<{ from: string; to: string; distance?: string } | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [drawKind, setDrawKind] = useState<DrawKind | null>(null);
  const [geometry, setGeometry] = useState<SiteGeometry | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const today = isoToday();

  const { controller, basemapNote, wardError } = usePlanningMap(container, config, {
    onInterventionClick: (id) => {
      if (!editing && id !== view.interventionId) setView({ interventionId: id }, true);
    },
    onWardClick: () => undefined,
    onCamera: () => undefined,
    onDrawn: (g, finished) => {
      setGeometry(g);
      if (finished) setDrawKind(null);
    },
  });

  const types = useRoute(contract.interventionTypes, readRegister ? { query: {} } : null);
  const register = useRoute(contract.listInterventions, readRegister ? { query: {} } : null);
  const selectedId = view.interventionId;
  const detail = useRoute(
    contract.getIntervention,
    readRegister && selectedId !== null ? { params: { id: selectedId }, query: {} } : null,
  );
  const typeList = types.data?.types;
  const styles = useMemo(() => typeStyles(typeList ?? []), [typeList]);
  // The walking network (partners may not read it: their results' meta says which distance was used).
  const network = useRoute(contract.getNetwork, readRegister ? { query: {} } : null);
  const networkInfo = network.data ? network.data.network : undefined;
  const walking = networkInfo === undefined ? null : networkInfo !== null;
  // The legend states the rule of the result on the map, else the rule a run would use now.
  const shownDistance = lastRun?.distance ?? (walking === null ? null : walking ? 'walking' : 'straight-line');

  const features = useMemo(() => (register.data ? interventionFeatures(register.data, today) : null), [register.data, today]);
  useEffect(() => {
    if (controller && features) controller.setInterventions(features);
  }, [controller, features]);

  const params: PlanningLayerParams = useMemo(
    () => ({
      wards: { showWardLabels: true, areaWards: NO_WARDS, controlWards: NO_WARDS, showRegions: false },
      interventions: {
        visible: readRegister,
        types: styles,
        showEnded: true,
        selectedId: editing ? null : selectedId,
        dimmed: editing !== null,
      },
      outputs: { showGaps: tab === 'coverage', showPatrol: tab === 'patrol', showOutreach: tab === 'outreach' },
    }),
    [readRegister, styles, selectedId, editing, tab],
  );
  useEffect(() => controller?.setParams(params), [controller, params]);

  const stopEditing = () => {
    controller?.stopDrawing();
    setEditing(null);
    setDrawKind(null);
    setGeometry(null);
  };
  const startNew = () => {
    stopEditing();
    setEditing({ current: null });
    setView({ tab: 'register' });
  };
  const startEdit = (iv: Intervention) => {
    setEditing({ current: iv });
    setDrawKind(null);
    setGeometry(iv.geometry);
    controller?.editShape(iv.geometry);
    setView({ tab: 'register' });
  };
  const draw = (kind: DrawKind) => {
    setGeometry(null);
    setDrawKind(kind);
    controller?.startDrawing(kind);
  };
  const select = (id: number) => {
    setView({ interventionId: id }, true);
    const f = register.data?.features.find((x) => x.properties.id === id);
    if (f) controller?.fitBounds(geometryBbox(f.geometry), true);
  };

  return (
    <div className="map-page planning-page" data-testid="planning-page">
      <aside className="sidebar sidebar-left">
        <nav className="tabs" role="tablist">
          {allowed.map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={t === tab}
              className={t === tab ? 'tab active' : 'tab'}
              onClick={() => setView({ tab: t })}
              data-testid={`tab-${t}`}
            >
              {TAB_LABELS[t]}
            </button>
          ))}
        </nav>
        {tab !== 'register' && <AnalysisWindow value={win} onChange={setWin} shown={lastRun} />}
        {(tab === 'coverage' || tab === 'outreach') && readRegister && (
          <WalkingNetwork network={networkInfo} canManage={can(session, 'network.write')} />
        )}
        {tab === 'register' && (
          <div className="plan-tab">
            {editing ? (
              <InterventionForm
                key={editing.current ? `${editing.current.id}-${editing.current.version}` : 'new'}
                editing={editing}
                types={typeList ?? []}
                geometry={geometry}
                drawing={drawKind}
                onDraw={draw}
                onSaved={(iv) => {
                  stopEditing();
                  setMessage(`Saved “${iv.name}” (version ${iv.version}).`);
                  setView({ interventionId: iv.id }, true);
                }}
                onCancel={stopEditing}
              />
            ) : (
              <>
                {edit && (
                  <button type="button" className="primary" onClick={startNew} data-testid="iv-new">
                    Add an intervention
                  </button>
                )}
                {message && (
                  <p className="ok-text" role="status" data-testid="iv-message">
                    {message}
                  </p>
                )}
                <p className="hint">Click an intervention on the map or in the list to see it and its history.</p>
                {edit && <ImportInterventions types={typeList ?? []} />}
                {can(session, 'register.manage') && <AddType />}
              </>
            )}
            {types.error && <p className="error-text">{errorMessage(types.error)}</p>}
          </div>
        )}
        {tab === 'coverage' && (
          <CoveragePanel controller={controller} win={win} types={typeList ?? []} walking={walking} onRan={setLastRun} />
        )}
        {tab === 'patrol' && <PatrolPanel controller={controller} win={win} onRan={setLastRun} />}
        {tab === 'outreach' && <OutreachPanel controller={controller} win={win} walking={walking} onRan={setLastRun} />}
      </aside>
      <div className="map-wrap">
        <div ref={container} className="map-container" data-testid="map" role="region" aria-label="Planning map" />
        <SearchBox className="map-search" onChoose={(r) => controller?.fitBounds(resultBounds(r), true)} />
        <PngExport
          map={controller?.map ?? null}
          page="planning"
          title="Planning"
          period={periodText(lastRun)}
          attribution={config.attribution}
        />
        <PlanningLegend
          types={styles}
          register={readRegister}
          gaps={tab === 'coverage' && readRegister}
          patrol={tab === 'patrol'}
          outreach={tab === 'outreach'}
          distance={tab === 'coverage' || tab === 'outreach' ? shownDistance : null}
        />
        {(basemapNote || wardError) && <div className="map-notices">{wardError ?? basemapNote}</div>}
      </div>
      <aside className="sidebar sidebar-right">
        {readRegister ? (
          <>
            {detail.data && !editing && (
              <InterventionDetail
                iv={detail.data}
                canEdit={edit}
                canDelete={can(session, 'register.manage')}
                onEdit={() => startEdit(detail.data!)}
                onChanged={(deleted) => {
                  if (deleted) setView({ interventionId: null }, true);
                }}
                onClose={() => setView({ interventionId: null }, true)}
              />
            )}
            {detail.error && selectedId !== null && <p className="error-text">{errorMessage(detail.error)}</p>}
            <section className="panel">
              <h2 className="panel-title">Register ({register.data?.features.length ?? '…'})</h2>
              {register.error && <p className="error-text">{errorMessage(register.error)}</p>}
              {register.data && (
                <RegisterList register={register.data} styles={styles} today={today} selectedId={selectedId} onSelect={select} />
              )}
            </section>
          </>
        ) : (
          <section className="panel">
            <h2 className="panel-title">Coverage</h2>
            <p className="hint">
              Your role sees the share of hotspot harm near interventions, per ward and borough-wide; small counts are withheld.
              The register and the hotspot list are not shown.
            </p>
          </section>
        )}
      </aside>
    </div>
  );
}
