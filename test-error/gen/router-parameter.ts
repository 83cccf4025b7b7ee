// expect: SPK019 the prefix of the router it is registered on cannot be read
import { Router, type Path } from "spikard";

/** The router comes from the caller: its prefix is not known here. */
export function registerItems(router: Router): void {
  router.get("/items/{id}", (id: Path<number>) => ({ id }));
}
