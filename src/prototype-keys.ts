/**
 * Keys that would reach an object's prototype once request data is copied into
 * plain objects (`Object.assign`, spreads, naive deep merges). Request bodies
 * never deliver them to handlers.
 */
export function isPrototypeKey(key: string): boolean {
  return key === "__proto__" || key === "constructor" || key === "prototype";
}
