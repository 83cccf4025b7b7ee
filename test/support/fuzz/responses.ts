/** One response read off the wire. */
export interface WireResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/**
 * Splits what a server wrote on one connection into whole responses, in order.
 * `methods` are the requests' methods (a HEAD's response has no body). Stops
 * at the first incomplete response; `rest` is what was left unread.
 */
export function readResponses(data: Buffer, methods: readonly string[]): { responses: WireResponse[]; rest: Buffer; malformed: boolean } {
  const responses: WireResponse[] = [];
  let pos = 0;
  for (;;) {
    if (pos >= data.length) return { responses, rest: data.subarray(pos), malformed: false };
    const headEnd = data.indexOf("\r\n\r\n", pos, "latin1");
    if (headEnd === -1) return { responses, rest: data.subarray(pos), malformed: !/^HTTP\/1\.[01] /.test(data.subarray(pos, pos + 9).toString("latin1")) && data.length - pos >= 9 };
    const lines = data.subarray(pos, headEnd).toString("latin1").split("\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]!);
    if (m === null) return { responses, rest: data.subarray(pos), malformed: true };
    const status = Number(m[1]);
    const headers: Array<[string, string]> = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) return { responses, rest: data.subarray(pos), malformed: true };
      headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
    }
    let at = headEnd + 4;
    const method = methods[responses.length] ?? "GET";
    const noBody = method === "HEAD" || status === 204 || status === 304 || (status >= 100 && status < 200);
    const length = headers.find(([k]) => k === "content-length")?.[1];
    const chunked = headers.some(([k, v]) => k === "transfer-encoding" && v.toLowerCase().includes("chunked"));
    let body: Buffer = Buffer.alloc(0);
    if (!noBody && chunked) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf("\r\n", at, "latin1");
        if (lineEnd === -1) return { responses, rest: data.subarray(pos), malformed: false };
        const size = parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
        if (Number.isNaN(size)) return { responses, rest: data.subarray(pos), malformed: true };
        if (data.length < lineEnd + 2 + size + 2) return { responses, rest: data.subarray(pos), malformed: false };
        parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else if (!noBody && length !== undefined) {
      const n = Number(length);
      if (data.length < at + n) return { responses, rest: data.subarray(pos), malformed: false };
      body = data.subarray(at, at + n);
      at += n;
    }
    responses.push({ status, headers, body });
    pos = at;
  }
}
