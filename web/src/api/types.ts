// Response shapes of the Saferplaces API, as the web UI uses them. (Aggregates, coverage, imports, open data,
// exports and health: their types come from the contract, contract/*.ts.)

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}
