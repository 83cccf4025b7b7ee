import { reasonPhrase } from "../../errors";

const lines: string[] = [];

/** "200 OK" etc., built once per status: uWS takes the whole status line. */
export function statusLine(status: number): string {
  return (lines[status] ??= `${status} ${reasonPhrase(status)}`);
}
