// With `spikard gen`: the generated metadata, imported before the module that registers the service.
import "./spikard.gen";
export { app } from "./app";
