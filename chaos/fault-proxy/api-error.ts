/** A refused API request; `status` is the HTTP status toxiproxy answers with for the same mistake. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404 | 405 | 409 | 413,
    message: string,
  ) {
    super(message);
  }
}
