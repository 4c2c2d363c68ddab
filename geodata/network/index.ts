// The one walking network (issue 12): graph building, snapping (./graph.ts) and the shortest-path /
// driving-distance engine (./search.ts), shared by route proposals, planning coverage and outreach.
export * from './graph.js';
export * from './search.js';
