import { AssertionError } from "node:assert";

/** A finished response, as the seed's TestResponse. */
export class TestResponse {
  constructor(
    readonly statusCode: number,
    /** Lower-case header names; repeated headers joined with ", " (see `headerValues`). */
    readonly headers: Record<string, string>,
    private readonly body: Buffer,
    private readonly rawHeaders: ReadonlyArray<readonly [string, string]> = Object.entries(headers),
  ) {}

  /** Every value of a header (e.g. each `set-cookie`). */
  headerValues(name: string): string[] {
    const lower = name.toLowerCase();
    return this.rawHeaders.filter(([k]) => k.toLowerCase() === lower).map(([, v]) => v);
  }

  bytes(): Buffer {
    return this.body;
  }

  text(): string {
    return this.body.toString("utf8");
  }

  json<T = any>(): T {
    return JSON.parse(this.text()) as T;
  }

  assertStatus(code: number): this {
    if (this.statusCode !== code) {
      throw new AssertionError({ message: `Expected status ${code}, got ${this.statusCode}: ${this.text().slice(0, 500)}`, actual: this.statusCode, expected: code, operator: "===" });
    }
    return this;
  }

  assertStatusOk(): this {
    return this.assertStatus(200);
  }
}
