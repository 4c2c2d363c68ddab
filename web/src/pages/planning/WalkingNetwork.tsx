// Which distances coverage and outreach use: walking along the loaded walking network, or straight lines
// when none is loaded. Analysts load (replace) or remove the network here: a GeoJSON file of street and
// footway lines (e.g. exported from OpenStreetMap), sent to PUT /api/planning/network.
import { useState } from 'react';
import * as contract from '../../../../contract/planning';
import type { NetworkInfo } from '../../../../contract/planning';
import { useRouteMutation } from '../../api/query';
import { useAction } from '../../lib/use-action';

const NETWORK_READS = [contract.getNetwork] as const;

/** The words for a distance rule, from a response's meta or the loaded network. */
export function distanceKind(walking: boolean): string {
  return walking ? 'walking' : 'straight line';
}

const MAX_MB = 16;

export function WalkingNetwork({ network, canManage }: { network: NetworkInfo | null | undefined; canManage: boolean }) {
  const [file, setFile] = useState<File | null>(null);
  const action = useAction();
  const put = useRouteMutation(contract.putNetwork, NETWORK_READS);
  const del = useRouteMutation(contract.deleteNetwork, NETWORK_READS);

  const load = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return action.setError('Choose a GeoJSON file of walking network lines first.');
    if (file.size > MAX_MB * 1024 * 1024)
      return action.setError(`The file is ${(file.size / 1024 / 1024).toFixed(1)} MB; at most ${MAX_MB} MB.`);
    await action.run(
      async () => {
        let doc: unknown;
        try {
          doc = JSON.parse(await file.text());
        } catch {
          throw new Error('The file is not valid JSON (GeoJSON expected).');
        }
        return put.mutateAsync({
          body: { name: file.name.replace(/\.(geo)?json$/i, '').slice(0, 200) || 'walking network', network: doc },
        });
      },
      (r) => `Loaded “${r.network.name}”: ${r.network.lines.toLocaleString('en-GB')} lines.`,
    );
  };

  const remove = async () => {
    await action.run(
      () => del.mutateAsync({}),
      () => 'Removed: coverage and outreach use straight lines.',
    );
  };

  return (
    <section className="walking-network" data-testid="walking-network">
      {network === undefined ? (
        <p className="hint">Distances: …</p>
      ) : network ? (
        <p className="hint" data-testid="walking-network-status">
          <strong>Walking distances</strong> along “{network.name}” ({network.lines.toLocaleString('en-GB')} lines, loaded{' '}
          {network.loaded_at.slice(0, 10)}).
        </p>
      ) : (
        <p className="hint" data-testid="walking-network-status">
          <strong>Straight-line distances</strong>: no walking network is loaded
          {canManage ? '; load one below' : ' (an analyst can load one)'}. A walk of the same length reaches less.
        </p>
      )}
      {canManage && (
        <details>
          <summary>{network ? 'Replace or remove the walking network' : 'Load a walking network'}</summary>
          <form className="plan-form" onSubmit={load}>
            <p className="hint">
              GeoJSON lines in WGS84 (e.g. footways and streets exported from OpenStreetMap); lines join where they share a
              vertex. Up to {MAX_MB} MB.
            </p>
            <input
              type="file"
              accept=".geojson,.json,application/geo+json,application/json"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              aria-label="Walking network file (GeoJSON lines)"
              data-testid="walking-network-file"
            />
            <div className="field-row">
              <button type="submit" className="primary" disabled={action.busy} data-testid="walking-network-load">
                {action.busy ? 'Working…' : network ? 'Replace' : 'Load'}
              </button>
              {network && (
                <button type="button" disabled={action.busy} onClick={remove} data-testid="walking-network-remove">
                  Remove
                </button>
              )}
            </div>
          </form>
        </details>
      )}
      {action.error && (
        <p className="error-text" role="alert" data-testid="walking-network-error">
          {action.error}
        </p>
      )}
      {action.note && (
        <p className="ok-text" role="status">
          {action.note}
        </p>
      )}
    </section>
  );
}
