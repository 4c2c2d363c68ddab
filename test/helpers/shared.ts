// Where the shared real data lives (../shared/data beside the project), for tests that read it without a database.
export const SHARED = new URL('../../../shared/data/', import.meta.url).pathname;
