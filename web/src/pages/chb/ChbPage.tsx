// The Clear-Hold-Build page: the list of CHB areas (each opens its printable dashboard, /chb?id=N) and,
// for analysts, the form to create one (ChbCreate: the area from wards, H3 cells or a drawn polygon, the
// control from wards or a drawn polygon).
import { useMemo, useState } from 'react';
import * as contract from '../../../../contract/planning';
import { errorMessage } from '../../api/client';
import { useRoute, useRouteMutation } from '../../api/query';
import type { AppConfig } from '../../../../contract/aggregates';
import { useSignedIn } from '../../api/session-store';
import { can } from '../../lib/can';
import { useWardAreas } from '../planning/use-planning-map';
import { navigate, useView } from '../../state/view-store';
import { ChbCreate } from './ChbCreate';
import { ChbDashboard } from './ChbDashboard';
import { chbUrl, parseChbId } from './chb-url';
import '../planning/planning.css';
import './chb.css';

export function ChbPage({ config }: { config: AppConfig }) {
  useView(); // re-render on navigation (the id is in the query)
  const id = parseChbId(window.location.search);
  const session = useSignedIn();
  const manage = can(session, 'chb.manage');
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useRoute(contract.chbList, { query: {} });
  const deleteChb = useRouteMutation(contract.deleteChb, [contract.chbList]);
  const areas = useWardAreas();
  const wardAreas = areas.data;
  const wards = useMemo(
    () =>
      (wardAreas?.features ?? [])
        .map((f) => ({ code: f.properties.code, name: f.properties.name, geometry: f.geometry }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [wardAreas],
  );
  const wardNames = useMemo(() => new Map(wards.map((w) => [w.code, w.name])), [wards]);

  if (id !== null) return <ChbDashboard id={id} config={config} wardNames={wardNames} />;

  const remove = async (areaId: number, name: string) => {
    if (!window.confirm(`Delete the CHB area “${name}”?`)) return;
    try {
      await deleteChb.mutateAsync({ params: { id: areaId } });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="chb-page" data-testid="chb-page">
      <section className="panel">
        <h2 className="panel-title">Clear-Hold-Build areas</h2>
        {list.error && <p className="error-text">{errorMessage(list.error)}</p>}
        {error && <p className="error-text">{error}</p>}
        {list.data && list.data.areas.length === 0 && <p className="hint">No CHB areas yet.</p>}
        {list.data && list.data.areas.length > 0 && (
          <table className="plan-table" data-testid="chb-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Clear</th>
                <th>Hold</th>
                <th>Build</th>
                <th>Buffer</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.areas.map((a) => (
                <tr key={a.id} data-testid="chb-row">
                  <td>
                    <a
                      href={chbUrl(a.id)}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(chbUrl(a.id));
                      }}
                      data-testid="chb-open"
                    >
                      {a.name}
                    </a>
                  </td>
                  <td>{a.clear_start}</td>
                  <td>{a.hold_start}</td>
                  <td>
                    {a.build_start} – {a.build_end}
                  </td>
                  <td>{a.buffer_m} m</td>
                  <td>
                    {manage && (
                      <button type="button" className="link-button" onClick={() => void remove(a.id, a.name)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {manage && !creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)} data-testid="chb-new">
            New CHB area
          </button>
        )}
      </section>
      {manage && creating && <ChbCreate config={config} wards={wards} onCreated={(newId) => navigate(chbUrl(newId))} />}
    </div>
  );
}
