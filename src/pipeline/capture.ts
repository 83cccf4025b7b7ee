import type { ResponseSink, SinkCapabilities } from "../adapter/types";
import { SpikardError } from "../errors";
import { Response, type AnyResponse } from "../response";
import type { ResponseCollector } from "./respond";

/**
 * What a route answers when middleware wrap it: the route runs exactly as it
 * would against the adapter's sink, and its answer is kept as a Response (or
 * the StreamingResponse it returned) for the middleware to see and change.
 * Writing happens once, after the outermost middleware returned.
 */
export class ResponseCapture implements ResponseCollector {
  private value: AnyResponse | undefined;
  private waiter: ((r: AnyResponse) => void) | undefined;

  constructor(private readonly exchange: ResponseSink) {}

  get capabilities(): SinkCapabilities {
    return this.exchange.capabilities;
  }
  get aborted(): boolean {
    return this.exchange.aborted;
  }
  onAbort(cb: () => void): void {
    this.exchange.onAbort(cb);
  }
  onComplete(cb: () => void): void {
    this.exchange.onComplete(cb);
  }
  closeAfter(): void {
    this.exchange.closeAfter();
  }

  /** The answer, synchronously when the route answered synchronously. */
  result(): AnyResponse | Promise<AnyResponse> {
    return this.value ?? new Promise((resolve) => (this.waiter = resolve));
  }

  collect(r: AnyResponse): void {
    if (this.value !== undefined) return;
    this.value = r;
    this.waiter?.(r);
  }

  send(status: number, headers: readonly string[], body: string | Uint8Array | undefined): void {
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < headers.length; i += 2) pairs.push([headers[i]!, headers[i + 1]!]);
    this.collect(new Response({ statusCode: status, headers: pairs, content: body }));
  }

  // Streams reach a collector as StreamingResponse values (sendDynamic hands them over whole).
  startStream(): void {
    throw new SpikardError("MIDDLEWARE", "a stream was started on a collected response");
  }
  write(): boolean {
    throw new SpikardError("MIDDLEWARE", "a stream was written to a collected response");
  }
  onDrain(cb: () => void): void {
    cb();
  }
  endStream(): void {}
  // A handshake's UpgradeResponse is collected like any Response; only the final writer switches protocols.
  upgrade(): void {
    throw new SpikardError("MIDDLEWARE", "a connection was upgraded on a collected response");
  }
  close(): void {
    this.exchange.close();
  }
}
