// How an import fails: a code the API and CLI report, a message for the user, and the line where known.
export class ImportError extends Error {
  constructor(
    public code: string,
    message: string,
    public line?: number,
    public details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
