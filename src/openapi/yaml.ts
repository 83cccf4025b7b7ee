/**
 * YAML form of the document. yaml is required on first use: it costs ~15 ms of
 * start-up, and most processes never write or serve YAML.
 */
export function toYaml(value: unknown): string {
  return (require("yaml") as typeof import("yaml")).stringify(value);
}
