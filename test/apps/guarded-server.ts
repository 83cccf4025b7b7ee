// Entry for running the guarded app in its own process; SPIKARD_TEST_CONFIG holds its ServerConfig as JSON.
import { buildGuardedApp } from "./guarded";

buildGuardedApp(JSON.parse(process.env.SPIKARD_TEST_CONFIG ?? "{}")).run();
