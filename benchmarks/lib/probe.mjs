// The correctness probe: one request per workload before anything is measured.
// A server that answers wrongly is reported "unsupported" for that workload
// instead of having its (fast, wrong) answers counted.
import { isDeepStrictEqual } from "node:util";

/** Resolves with undefined when the answer is right, otherwise with why it is not. */
export async function probe(port, workload) {
  let res;
  let text;
  try {
    res = await fetch(`http://127.0.0.1:${port}${workload.path}`, { method: workload.method, headers: workload.headers, body: workload.body });
    text = await res.text();
  } catch (err) {
    return `request failed: ${err.cause?.code ?? err.message}`;
  }
  const { expect } = workload;
  const got = `${res.status} ${text.length > 160 ? `${text.slice(0, 160)}…` : text}`;
  if (res.status !== expect.status) return `expected status ${expect.status}, got ${got}`;
  if (expect.text !== undefined && text !== expect.text) return `expected body ${JSON.stringify(expect.text)}, got ${got}`;
  if (expect.json !== undefined) {
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return `expected JSON, got ${got}`;
    }
    if (!isDeepStrictEqual(body, expect.json)) return `wrong JSON body: ${got}`;
  }
  return undefined;
}
