// Layer toggles and the hexagon resolution.
import { HEX_RESOLUTIONS, type HexRes } from '../../map/prepare/hexes';
import { hasLayer, toggleLayer, type LayerKey, type ViewState } from '../../state/url-state';
import { updateView } from '../../state/view-store';

const LABELS: Record<LayerKey, string> = {
  choropleth: 'Area choropleth',
  outlines: 'Area outlines',
  labels: 'Area names',
  hexes: 'Hexagons (H3)',
  kde: 'Density surface (KDE)',
  incidents: 'Incident points',
};

const HEX_SIZES: Record<HexRes, string> = { 7: '~2.8 km', 8: '~1 km', 9: '~400 m', 10: '~150 m' };

export function LayerPanel({
  view,
  autoRes,
  pointsLabel,
}: {
  view: ViewState;
  autoRes: number | null;
  pointsLabel: string | null;
}) {
  // Incident points only for roles that may see record-level data (pointsLabel null: not offered).
  const keys = (Object.keys(LABELS) as LayerKey[]).filter((k) => (k !== 'incidents' && k !== 'kde') || pointsLabel !== null);
  return (
    <div className="panel" data-testid="layers">
      <h2 className="panel-title">Layers</h2>
      <ul className="layer-list">
        {keys.map((k) => (
          <li key={k}>
            <label>
              <input
                type="checkbox"
                checked={hasLayer(view, k)}
                data-testid={`layer-toggle-${k}`}
                onChange={(e) => updateView({ layers: toggleLayer(view.layers, k, e.target.checked) })}
              />
              {k === 'incidents' && pointsLabel ? pointsLabel : LABELS[k]}
            </label>
            {k === 'hexes' && hasLayer(view, 'hexes') && (
              <select
                className="hex-res"
                aria-label="Hexagon resolution"
                data-testid="hex-res"
                value={String(view.hexRes)}
                onChange={(e) => updateView({ hexRes: e.target.value === 'auto' ? 'auto' : (Number(e.target.value) as HexRes) })}
              >
                <option value="auto">Auto size{autoRes && view.hexRes === 'auto' ? ` (res ${autoRes})` : ''}</option>
                {HEX_RESOLUTIONS.map((r) => (
                  <option key={r} value={r}>
                    Res {r} ({HEX_SIZES[r]} across)
                  </option>
                ))}
              </select>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
