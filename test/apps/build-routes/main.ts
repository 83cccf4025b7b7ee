import { app } from "./app";

app.run();
