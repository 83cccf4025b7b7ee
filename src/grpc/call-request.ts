import type { HeaderValues } from "../adapter/grpc-call";
import type { AdapterRequest } from "../adapter/types";

/**
 * A gRPC call as the HTTP request dependencies and hooks read: `POST /package.Service/Method`, its
 * metadata as headers (a factory's `Header<string, "authorization">` reads the call's
 * `authorization` metadata), no query. The call's headers live as long as the call, so there is
 * nothing to snapshot.
 */
export class CallRequest implements AdapterRequest {
  readonly method = "POST";
  readonly query = "";

  constructor(
    readonly path: string,
    private readonly source: HeaderValues,
    private readonly peer: string | undefined,
  ) {}

  header(lowerName: string): string | undefined {
    if (lowerName.charCodeAt(0) === 58 /* ":" */) return undefined;
    const v = this.source[lowerName];
    const one = Array.isArray(v) ? v.join(", ") : v;
    return one === "" ? undefined : one;
  }

  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key in this.source) {
      const v = this.header(key);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }

  remoteAddress(): string {
    return this.peer ?? "";
  }

  detach(): void {}
}
