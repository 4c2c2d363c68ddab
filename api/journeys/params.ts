// The journey routes' request schemas are in the contract (contract/journeys.ts). This re-export stays
// only for proposals.ts (being rewritten with the walking network): import from the contract there and
// delete this file.
export { proposalsBody } from '../../contract/journeys.js';
