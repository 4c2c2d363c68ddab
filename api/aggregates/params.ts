// The aggregation API's request schemas live in the contract (contract/aggregates.ts). Re-exported here
// only for the analysis routes not yet moved to the contract (hotspots, live/pack, planning), which import
// the shared parameters from this path; delete this file once they import from contract/aggregates.ts.
export { H3_RESOLUTIONS, h3Param, levelParam, resParam, type H3Res } from '../../contract/aggregates.js';
