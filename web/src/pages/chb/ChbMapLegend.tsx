// The CHB maps' key: which colour is the area, the displacement buffer ring and the control area. Shown with
// the map and drawn into its PNG export (components/PngExport.tsx reads `.legend` rows with their swatches).
import { CHB_COLOURS } from '../../map/layers/chb';

export type ChbRegionKind = keyof typeof CHB_COLOURS;

const LABELS: Record<ChbRegionKind, string> = {
  area: 'Area',
  buffer: 'Displacement buffer ring',
  control: 'Control (comparison) area',
};

export function ChbMapLegend({ regions, bufferM }: { regions: readonly ChbRegionKind[]; bufferM?: number }) {
  return (
    <div className="legend chb-map-legend" data-testid="chb-map-legend">
      <h3 className="visually-hidden">Map key</h3>
      <ul className="legend-rows">
        {regions.map((r) => (
          <li key={r} data-region={r}>
            <span className="swatch" style={{ background: CHB_COLOURS[r] }} />
            {LABELS[r]}
            {r === 'buffer' && bufferM ? ` (${bufferM} m)` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
