// The planning maps' overlay: every source and layer the Planning and CHB pages add, in drawing order.
// Pure (no MapLibre import), so the whole style is validated in Node (test/web-planning.test.ts).
import type { LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import {
  CHB_SOURCE,
  PLAN_WARD_LABEL_SOURCE,
  PLAN_WARD_SOURCE,
  chbRegionLayers,
  chbSources,
  wardLabelLayers,
  wardLayers,
  type ChbLayerParams,
} from '../../map/layers/chb';
import {
  INTERVENTION_SOURCE,
  interventionLayers,
  interventionSources,
  type InterventionLayerParams,
} from '../../map/layers/interventions';
import {
  GAP_SOURCE,
  OUTREACH_SOURCE,
  PATROL_SOURCE,
  planOutputLayers,
  planOutputSources,
  type PlanOutputParams,
} from '../../map/layers/patrol';

export interface PlanningLayerParams {
  wards: ChbLayerParams;
  interventions: InterventionLayerParams;
  outputs: PlanOutputParams;
}

export type SourceKey =
  | typeof PLAN_WARD_SOURCE
  | typeof PLAN_WARD_LABEL_SOURCE
  | typeof CHB_SOURCE
  | typeof INTERVENTION_SOURCE
  | typeof GAP_SOURCE
  | typeof PATROL_SOURCE
  | typeof OUTREACH_SOURCE;

/** Bottom to top: wards, CHB regions, gaps, patrol boxes, ward labels, interventions, outreach. */
export function planningLayers(p: PlanningLayerParams): LayerSpecification[] {
  const out = planOutputLayers(p.outputs);
  const from = (src: string) => out.filter((l) => 'source' in l && l.source === src);
  const [gaps, patrol, outreach] = [from(GAP_SOURCE), from(PATROL_SOURCE), from(OUTREACH_SOURCE)];
  return [
    ...wardLayers(p.wards),
    ...chbRegionLayers(p.wards),
    ...gaps,
    ...patrol,
    ...wardLabelLayers(p.wards),
    ...interventionLayers(p.interventions),
    ...outreach,
  ];
}

export function planningSources(data: Partial<Record<SourceKey, FeatureCollection>> = {}) {
  return {
    ...chbSources({ wards: data[PLAN_WARD_SOURCE], wardLabels: data[PLAN_WARD_LABEL_SOURCE], regions: data[CHB_SOURCE] }),
    ...interventionSources(data[INTERVENTION_SOURCE]),
    ...planOutputSources({ gaps: data[GAP_SOURCE], patrol: data[PATROL_SOURCE], outreach: data[OUTREACH_SOURCE] }),
  };
}
