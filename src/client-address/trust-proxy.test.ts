import { describe, expect, it } from "vitest";
import { SpikardError } from "../errors";
import type { AdapterRequest as RawRequest } from "../adapter/types";
import { canonicalAddress } from "./address";
import { clientAddressReader, type TrustProxy } from "./trust-proxy";

/** A request from `peer` with `headers` (repeated lines already joined, as adapters give them). */
function from(peer: string, headers: Record<string, string> = {}): RawRequest {
  return {
    method: "GET",
    path: "/",
    query: "",
    header: (name) => headers[name],
    headers: () => ({ ...headers }),
    remoteAddress: () => peer,
    detach: () => undefined,
  };
}
const client = (trust: TrustProxy | undefined, peer: string, headers?: Record<string, string>): string => clientAddressReader(trust)(from(peer, headers));

// What uWebSockets.js reports for IPv6 and IPv4-mapped peers.
const UWS_LOOPBACK_V6 = "0000:0000:0000:0000:0000:0000:0000:0001";
const UWS_MAPPED_10_0_0_5 = "0000:0000:0000:0000:0000:ffff:0a00:0005";

describe("canonicalAddress", () => {
  it("writes one address one way", () => {
    expect(canonicalAddress(UWS_LOOPBACK_V6)).toBe("::1");
    expect(canonicalAddress(UWS_MAPPED_10_0_0_5)).toBe("10.0.0.5");
    expect(canonicalAddress("::ffff:10.0.0.5")).toBe("10.0.0.5");
    expect(canonicalAddress("2001:DB8:0:0::1")).toBe("2001:db8::1");
    expect(canonicalAddress(" 192.0.2.1 ")).toBe("192.0.2.1");
  });
  it("takes the forms proxies write, with ports and brackets", () => {
    expect(canonicalAddress("192.0.2.1:8080")).toBe("192.0.2.1");
    expect(canonicalAddress("[2001:db8::17]:4711")).toBe("2001:db8::17");
    expect(canonicalAddress("[2001:db8::17]")).toBe("2001:db8::17");
  });
  it("reads anything else as no address", () => {
    for (const bad of ["unknown", "_hidden", "", "1.2.3", "01.2.3.4", "1.2.3.4:x", "[::1", "[::1]x", "[::1]:99999999", "999.1.1.1", "1.2.3.4\r\nx: y", "a".repeat(10_000)]) {
      expect(canonicalAddress(bad), bad).toBeUndefined();
    }
  });
});

describe("clientAddressReader", () => {
  it("without trustProxy is the peer, whatever the headers say", () => {
    expect(client(undefined, "10.0.0.5", { "x-forwarded-for": "6.6.6.6" })).toBe("10.0.0.5");
  });

  describe("a hop count", () => {
    it("reads the address the last proxy appended", () => {
      expect(client(1, "10.0.0.5", { "x-forwarded-for": "203.0.113.7" })).toBe("203.0.113.7");
      expect(client(2, "10.0.0.5", { "x-forwarded-for": "203.0.113.7, 10.0.0.9" })).toBe("203.0.113.7");
    });
    it("is not fooled by addresses a client wrote in front", () => {
      // The client sent "X-Forwarded-For: 1.1.1.1, 2.2.2.2"; the one proxy appended the real address.
      expect(client(1, "10.0.0.5", { "x-forwarded-for": "1.1.1.1, 2.2.2.2, 203.0.113.7" })).toBe("203.0.113.7");
    });
    it("reads repeated header lines as one list (the last line is the proxy's)", () => {
      const headers = { "x-forwarded-for": "6.6.6.6, 203.0.113.7" }; // "6.6.6.6" then a proxy's own line
      expect(client(1, "10.0.0.5", headers)).toBe("203.0.113.7");
    });
    it("falls back to the nearest address when the chain is shorter than the hops", () => {
      expect(client(3, "10.0.0.5", { "x-forwarded-for": "203.0.113.7" })).toBe("203.0.113.7");
      expect(client(1, "10.0.0.5")).toBe("10.0.0.5");
    });
    it("stops at an entry that is not an address, at the proxy that wrote it", () => {
      expect(client(2, "10.0.0.5", { "x-forwarded-for": "unknown, 10.0.0.9" })).toBe("10.0.0.9");
      expect(client(1, "10.0.0.5", { "x-forwarded-for": "" })).toBe("10.0.0.5");
      expect(client(1, "10.0.0.5", { "x-forwarded-for": "203.0.113.7\r\nX-Evil: 1" })).toBe("10.0.0.5");
    });
    it("0 trusts nobody", () => {
      expect(client(0, "10.0.0.5", { "x-forwarded-for": "203.0.113.7" })).toBe("10.0.0.5");
    });
  });

  describe("addresses and CIDRs", () => {
    const trust = ["10.0.0.0/8", "::1"];
    it("looks through trusted proxies to the first address that is not one", () => {
      expect(client(trust, "10.0.0.5", { "x-forwarded-for": "1.1.1.1, 203.0.113.7, 10.1.2.3" })).toBe("203.0.113.7");
      expect(client(trust, UWS_LOOPBACK_V6, { "x-forwarded-for": "2001:db8::5" })).toBe("2001:db8::5");
      expect(client(trust, UWS_MAPPED_10_0_0_5, { "x-forwarded-for": "203.0.113.7" })).toBe("203.0.113.7");
    });
    it("ignores the header from a peer that is not trusted", () => {
      expect(client(trust, "203.0.113.9", { "x-forwarded-for": "1.1.1.1" })).toBe("203.0.113.9");
      expect(client(trust, "11.0.0.1", { "x-forwarded-for": "1.1.1.1" })).toBe("11.0.0.1");
    });
    it("answers the leftmost address when every hop is a trusted proxy", () => {
      expect(client(trust, "10.0.0.5", { "x-forwarded-for": "10.9.9.9, 10.1.1.1" })).toBe("10.9.9.9");
    });
    it("knows loopback, private and linklocal by name", () => {
      expect(client("loopback", "127.0.0.1", { "x-forwarded-for": "203.0.113.7" })).toBe("203.0.113.7");
      expect(client(["private"], "192.168.1.1", { "x-forwarded-for": "203.0.113.7, 172.16.0.3" })).toBe("203.0.113.7");
      expect(client(["private"], "fd00::1", { "x-forwarded-for": "203.0.113.7" })).toBe("203.0.113.7");
    });
  });

  describe("the Forwarded header", () => {
    it("reads `for` from each element, quoted, with ports, IPv6 in brackets", () => {
      const forwarded = 'for=192.0.2.43;proto=https, For="[2001:db8:cafe::17]:4711";by=10.0.0.1';
      expect(client({ hops: 1, header: "forwarded" }, "10.0.0.5", { forwarded })).toBe("2001:db8:cafe::17");
      expect(client({ hops: 2, header: "forwarded" }, "10.0.0.5", { forwarded })).toBe("192.0.2.43");
    });
    it("keeps quoted commas and semicolons inside one value", () => {
      const forwarded = 'for=192.0.2.43, for="_a,b;c=d";proto=http, for=198.51.100.1';
      expect(client({ hops: 1, header: "forwarded" }, "10.0.0.5", { forwarded })).toBe("198.51.100.1");
      // The obfuscated identifier is no address: the walk stops at the proxy that wrote it.
      expect(client({ hops: 2, header: "forwarded" }, "10.0.0.5", { forwarded })).toBe("198.51.100.1");
    });
    it("is the only header read when chosen (a client's own X-Forwarded-For is ignored), and the other way round", () => {
      const headers = { forwarded: "for=203.0.113.7", "x-forwarded-for": "6.6.6.6" };
      expect(client({ addresses: ["10.0.0.0/8"], header: "forwarded" }, "10.0.0.5", headers)).toBe("203.0.113.7");
      expect(client({ addresses: ["10.0.0.0/8"] }, "10.0.0.5", headers)).toBe("6.6.6.6");
    });
    it("an element without `for`, or a quote left open, stops the walk", () => {
      expect(client({ hops: 1, header: "forwarded" }, "10.0.0.5", { forwarded: "proto=https" })).toBe("10.0.0.5");
      expect(client({ hops: 1, header: "forwarded" }, "10.0.0.5", { forwarded: 'for="203.0.113.7' })).toBe("10.0.0.5");
      expect(client({ hops: 1, header: "forwarded" }, "10.0.0.5", { forwarded: 'for=203.0.113.7, for="\\' })).toBe("10.0.0.5");
    });
  });

  it("walks a huge header only as far as the trusted hops", () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => `1.1.${(i >> 8) & 255}.${i & 255}`).join(", ");
    const started = performance.now();
    expect(client(1, "10.0.0.5", { "x-forwarded-for": `${chain}, 203.0.113.7` })).toBe("203.0.113.7");
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("refuses a configuration it cannot read, saying what to write", () => {
    const bad: unknown[] = [-1, 1.5, [], ["10.0.0.0/33"], ["10.0.0.0/"], ["10.0.0.0/8/1"], ["nonsense"], ["::/129"], { hops: 1, header: "via" }];
    for (const trust of bad) {
      expect(() => clientAddressReader(trust as TrustProxy), JSON.stringify(trust)).toThrow(SpikardError);
    }
    expect(() => clientAddressReader(["nonsense"])).toThrow(/"nonsense" is not an IP address or CIDR \(write "10.0.0.0\/8"/);
  });
});
