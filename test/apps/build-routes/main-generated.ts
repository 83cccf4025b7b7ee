// With `spikard gen`: the generated metadata, imported first (before any module that registers routes).
import "./spikard.gen";
import { app } from "./app";

app.run();
