// The map page's exports: the area table (every role; partners get withheld counts) and record-level
// incidents (analysts), each through the purpose/recipient dialog with the map's current filters.
import { useState } from 'react';
import { exportAreas, exportIncidents } from '../../../../contract/exports';
import { bboxParam, filterQuery, type Bbox, type ResolvedFilters } from '../../api/client';
import { downloadRoute } from '../../api/exports';
import { ExportDialog } from '../../components/ExportDialog';
import { windowLabel } from '../../lib/months';

export type ExportKind = 'areas' | 'incidents';

function filterWords(f: ResolvedFilters, categoryLabel: (slug: string) => string) {
  const cats = f.categories.length ? f.categories.map(categoryLabel).join(', ') : 'all categories';
  return `${windowLabel(f.from, f.to)}, ${cats}`;
}

export function MapExportDialog({
  kind,
  level,
  levelLabel,
  filters,
  viewBbox,
  partner,
  categoryLabel,
  onClose,
}: {
  kind: ExportKind;
  level: string;
  levelLabel: string;
  filters: ResolvedFilters;
  viewBbox: Bbox | null;
  partner: boolean;
  categoryLabel: (slug: string) => string;
  onClose: () => void;
}) {
  const [inView, setInView] = useState(false);
  if (kind === 'areas') {
    return (
      <ExportDialog
        title={`Export the ${levelLabel.toLowerCase()} table`}
        description={
          <p>
            Counts, rates and change per {levelLabel.toLowerCase()} for {filterWords(filters, categoryLabel)}.
            {partner && ' Withheld counts stay withheld in the file.'}
          </p>
        }
        formats={[
          { value: 'csv', label: 'CSV (spreadsheet)' },
          { value: 'json', label: 'JSON' },
        ]}
        onExport={(stated, format) =>
          downloadRoute(
            exportAreas,
            { ...stated, format: format as 'csv' | 'json', filters: { level, ...filterQuery(filters) } },
            `${level}.${format}`,
          )
        }
        onClose={onClose}
      />
    );
  }
  return (
    <ExportDialog
      title="Export incident records"
      description={
        <p>
          Record-level incidents for {filterWords(filters, categoryLabel)}. Personal data: share only under an information-sharing
          agreement.
        </p>
      }
      formats={[
        { value: 'csv', label: 'CSV (spreadsheet)' },
        { value: 'geojson', label: 'GeoJSON (GIS)' },
      ]}
      onExport={(stated, format) =>
        downloadRoute(
          exportIncidents,
          {
            ...stated,
            format: format as 'csv' | 'geojson',
            filters: { ...filterQuery(filters), bbox: inView && viewBbox ? bboxParam(viewBbox) : undefined },
          },
          `incidents.${format}`,
        )
      }
      onClose={onClose}
    >
      <label className="check">
        <input
          type="checkbox"
          checked={inView}
          disabled={!viewBbox}
          onChange={(e) => setInView(e.target.checked)}
          data-testid="export-in-view"
        />
        Only incidents in the current map view
      </label>
    </ExportDialog>
  );
}
