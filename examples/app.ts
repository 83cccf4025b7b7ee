import { app } from "./api";

// Serves on $PORT (or SPIKARD_PORT), default 8000; SIGTERM/SIGINT drain and exit.
app.run();
