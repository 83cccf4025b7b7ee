// expect: SPK021 read as a query parameter
import { Spikard } from "spikard";
import type { ServiceDefinition } from "spikard/grpc";

declare const Echo: ServiceDefinition;
const app = new Spikard();
app.grpc(Echo, {
  echo(req: unknown, ctx: unknown, limit: number) {
    return { req, ctx, limit };
  },
});
