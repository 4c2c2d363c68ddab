// The Clear-Hold-Build page: the list of CHB areas (each opens its printable dashboard, /chb?id=N) and,
// for analysts, the form to create one (ChbCreate: the area from wards, H3 cells or a drawn polygon, the
// control from wards or a drawn polygon).
import { useMemo, useState } from 'react';
import { getAreas, type AreaCollection } from '../../../../contract/aggregates';
import { call } from '../../api/call';
import { errorMessage } from '../../api/client';
import { planningApi } from '../../api/planning';
import type { AppConfig } from '../../../../contract/aggregates';
import { useUser } from '../../api/session-store';
import { canManageChb } from '../../lib/roles';
import { useApi } from '../../lib/use-api';
import { navigate, useView } from '../../state/view-store';
import { ChbCreate } from './ChbCreate';
import { ChbDashboard } from './ChbDashboard';
import { chbUrl, parseChbId } from './chb-url';
import '../planning/planning.css';
import './chb.css';

export function ChbPage({ config }: { config: AppConfig }) {
  useView(); // re-render on navigation (the id is in the query)
  const id = parseChbId(window.location.search);
  const user = useUser();
  const manage = canManageChb(user);
  const [nonce, setNonce] = useState(0);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useApi((s) => planningApi.chbList(s), [nonce]);
  const areas = useApi((s) => call(getAreas, { query: { level: 'ward' } }, { signal: s }) as Promise<AreaCollection>, []);
  const wards = useMemo(
    () => (areas.data?.features ?? []).map((f) => ({ code: f.properties.code, name: f.properties.name, geometry: f.geometry })).sort((a, b) => a.name.localeCompare(b.name)),
    [areas.data],
  );
  const wardNames = useMemo(() => new Map(wards.map((w) => [w.code, w.name])), [wards]);

  if (id !== null) return <ChbDashboard id={id} config={config} wardNames={wardNames} />;

  const remove = async (areaId: number, name: string) => {
    if (!window.confirm(`Delete the CHB area “${name}”?`)) return;
    try {
      await planningApi.deleteChb(areaId);
      setNonce((n) => n + 1);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="chb-page" data-testid="chb-page">
      <section className="panel">
        <h2 className="panel-title">Clear-Hold-Build areas</h2>
        {list.error && <p className="error-text">{list.error}</p>}
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
