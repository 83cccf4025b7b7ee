/** A body that cannot be decoded at all: answered before validation, with Spikard's body for it. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = "application/json",
  ) {
    super(typeof body === "object" && body !== null && "detail" in body ? String((body as { detail: unknown }).detail) : `HTTP ${status}`);
    this.name = "BodyError";
  }
}
