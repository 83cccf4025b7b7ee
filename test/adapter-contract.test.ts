import { describe, expect, it } from "vitest";
import { exchangeInMemory } from "../src/adapter/memory";
import { uwsAdapter } from "../src/adapter/uws/server";
import { nodeAdapter } from "../src/adapter/node/server";
import type { Adapter, Exchange, ExchangeHandler } from "../src/adapter/types";
import http from "node:http";

// The adapter contract's request lifetime, the same in every adapter: readable during the adapter's call,
// afterwards only through a snapshot taken while live.

/** Reads a header once the adapter's call returned, with or without a snapshot, and answers what it saw. */
function lateReader(snapshot: boolean): ExchangeHandler {
  return (ex: Exchange) => {
    if (snapshot) ex.detach();
    setTimeout(() => {
      let seen: string;
      try {
        seen = `value:${ex.header("x-probe") ?? "absent"}`;
      } catch (err) {
        seen = `error:${(err as { code?: string }).code}`;
      }
      ex.send(200, ["content-type", "text/plain"], seen, false);
    }, 5);
  };
}

const over = (adapter: Adapter) => async (handler: ExchangeHandler): Promise<string> => {
  const listener = await adapter.listen(handler, { host: "127.0.0.1", port: 0 });
  try {
    return await new Promise<string>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: listener.port, path: "/", headers: { "x-probe": "p1" }, agent: false }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve(body));
        })
        .on("error", reject);
    });
  } finally {
    await listener.close(1000);
  }
};

async function inMemory(handler: ExchangeHandler): Promise<string> {
  const res = await exchangeInMemory(handler, { method: "GET", path: "/", query: "", headers: { "x-probe": "p1" }, body: Buffer.alloc(0), remoteAddress: "127.0.0.1" });
  return res.body.toString();
}

describe.each([
  ["uWebSockets.js", over(uwsAdapter)],
  ["node:http", over(nodeAdapter)],
  ["in-memory (TestClient)", inMemory],
])("the request lifetime in the %s adapter", (_name, serve) => {
  it("a late read without a snapshot fails with REQUEST_RELEASED", async () => {
    expect(await serve(lateReader(false))).toBe("error:REQUEST_RELEASED");
  });
  it("a late read after a snapshot sees the header", async () => {
    expect(await serve(lateReader(true))).toBe("value:p1");
  });
  it("claiming the body after the call fails in memory as it would lose the body on a socket; a snapshot after the call fails", async () => {
    const late: ExchangeHandler = (ex) => {
      setTimeout(() => {
        let seen = "none";
        try {
          ex.detach();
        } catch (err) {
          seen = (err as { code?: string }).code ?? "?";
        }
        ex.send(200, [], seen, false);
      }, 5);
    };
    expect(await serve(late)).toBe("REQUEST_RELEASED");
  });
});
