import { Metadata, type MetadataInit } from "./metadata";

/** One request message of a call, as the low-level `GrpcHandler` sees it. */
export class GrpcRequest {
  /** The serialized protobuf message. */
  readonly payload: Buffer;
  /** `"GetUser"` */
  readonly methodName: string;
  /** `"example.v1.UserService"` */
  readonly serviceName: string;
  /** The call's request metadata (headers, reserved transport headers left out). */
  readonly metadata: Metadata;

  constructor(init: { payload: Buffer; methodName: string; serviceName: string; metadata?: Metadata }) {
    this.payload = init.payload;
    this.methodName = init.methodName;
    this.serviceName = init.serviceName;
    this.metadata = init.metadata ?? new Metadata();
  }
}

/** One response message: its serialized payload and, on the first one, metadata to send as response headers. */
export class GrpcResponse {
  readonly payload: Uint8Array;
  readonly metadata: Metadata | undefined;

  constructor(init: { payload: Uint8Array; metadata?: MetadataInit }) {
    this.payload = init.payload;
    this.metadata = init.metadata === undefined ? undefined : init.metadata instanceof Metadata ? init.metadata : new Metadata(init.metadata);
  }
}
