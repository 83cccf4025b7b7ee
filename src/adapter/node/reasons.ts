import { reasonPhrase } from "../../errors";

const phrases: string[] = [];

/** The reason phrase uWS writes for a status (node's own table words a few differently), built once per status. */
export function reason(status: number): string {
  return (phrases[status] ??= reasonPhrase(status));
}
