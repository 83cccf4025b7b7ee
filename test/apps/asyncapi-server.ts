import { buildAsyncApiApp } from "./asyncapi";

buildAsyncApiApp().run();
