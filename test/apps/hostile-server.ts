// Entry for running the hostile-input app in its own process (LiveTestClient.fromModule); SPIKARD_WORKERS picks the threads.
import { buildHostileApp } from "./hostile";

buildHostileApp().run();
