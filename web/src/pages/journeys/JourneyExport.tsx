// Export of the worst segments with guardian points (CSV, GeoJSON, or GPX for officers' devices)
// through the purpose/recipient dialog; the server records both in the audit log.
import type { ExposureMeta, JourneyExportFormat } from '../../../../contract/journeys';
import { downloadWorstSegments, type JourneyFilters } from '../../api/journeys';
import { ExportDialog } from '../../components/ExportDialog';
import { MEASURE_LABELS } from '../../map/prepare/journeys';

export function JourneyExportDialog({
  filters,
  routeId,
  routeName,
  meta,
  categoryLabel,
  onClose,
}: {
  filters: JourneyFilters;
  routeId: number | null;
  routeName: string | null;
  meta: ExposureMeta | null;
  categoryLabel: (slug: string) => string;
  onClose: () => void;
}) {
  return (
    <ExportDialog
      title={routeName ? `Export the worst segments of ${routeName}` : 'Export the worst segments of all routes'}
      description={
        <p>
          The {filters.top} worst segments by {MEASURE_LABELS[filters.rankBy]}
          {meta &&
            `, ${meta.categories.map(categoryLabel).join(', ')}, ${meta.from} to ${meta.to}, ${meta.corridor_m} m corridor`}
          , with a guardian point (the segment's midpoint) each. GPX opens on most phones and GPS units.
        </p>
      }
      formats={[
        { value: 'gpx', label: 'GPX (phones and GPS units)' },
        { value: 'csv', label: 'CSV (spreadsheet)' },
        { value: 'geojson', label: 'GeoJSON (GIS)' },
      ]}
      onExport={(stated, format) => downloadWorstSegments(filters, routeId, format as JourneyExportFormat, stated)}
      onClose={onClose}
    />
  );
}
