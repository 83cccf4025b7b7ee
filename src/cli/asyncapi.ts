import { exportDocument } from "./export-document";

/** `spikard asyncapi <compiled app module> [--out asyncapi.json|asyncapi.yaml]`: the app's AsyncAPI 3.0 document. */
export function asyncapiCommand(args: string[]): number {
  return exportDocument("asyncapi", "SPIKARD_ASYNCAPI_OUT", args);
}
