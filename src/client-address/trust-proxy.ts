import net from "node:net";
import { SpikardError } from "../errors";
import type { AdapterRequest as RawRequest } from "../adapter/types";
import { canonicalAddress, familyOf } from "./address";
import { forwardedFor, xForwardedFor } from "./forwarded";

/** Which header the trusted proxies write the client chain to. */
export type ForwardedHeader = "x-forwarded-for" | "forwarded";

/**
 * Which peers may say who the client is (ServerConfig `trustProxy`):
 * - a number: that many proxies stand in front of the server (1: the peer is a
 *   proxy and the last address it appended is the client);
 * - addresses and CIDRs (`"10.0.0.0/8"`, `"::1"`, or the names `"loopback"`,
 *   `"private"`, `"linklocal"`): hops from those addresses are proxies; the
 *   client is the nearest address that is not one;
 * - either as an object with `header` to read RFC 7239 `Forwarded` instead of
 *   `X-Forwarded-For` (the default). Only one header is read: a client can send
 *   the other one itself, and a proxy that does not strip it would pass it on.
 */
export type TrustProxy =
  | number
  | string
  | string[]
  | { hops: number; header?: ForwardedHeader }
  | { addresses: string | string[]; header?: ForwardedHeader };

const NAMED: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
};

/**
 * How to read a request's client address. Without `trust` it is the peer's
 * address as the adapter gives it. With it, a peer that is a trusted proxy is
 * looked through: the forwarding header is read from its right end, one hop per
 * trusted proxy, and the first address not vouched for is the client. An
 * unreadable entry (`unknown`, an obfuscated name) stops the walk at the proxy
 * that wrote it.
 */
export function clientAddressReader(trust: TrustProxy | undefined): (raw: RawRequest) => string {
  if (trust === undefined) return (raw) => raw.remoteAddress();
  const t = typeof trust === "object" && !Array.isArray(trust) ? trust : typeof trust === "number" ? { hops: trust } : { addresses: trust };
  const header = t.header ?? "x-forwarded-for";
  if (header !== "x-forwarded-for" && header !== "forwarded") throw new SpikardError("INVALID_CONFIG", `trustProxy.header must be "x-forwarded-for" or "forwarded", got ${JSON.stringify(header)}`);
  const hops = "hops" in t ? checkedHops(t.hops) : undefined;
  const proxies = "addresses" in t ? blockList(t.addresses) : undefined;
  const entries = header === "forwarded" ? forwardedFor : xForwardedFor;
  return (raw) => {
    const peer = raw.remoteAddress();
    let client = canonicalAddress(peer);
    if (client === undefined) return peer;
    if (hops === 0 || (proxies !== undefined && !proxies.check(client, familyOf(client)))) return client;
    // Repeated header lines must read as one list: headers() joins them, header() gives the first only.
    const value = raw.headers()[header];
    if (value === undefined) return client;
    let walked = 0;
    for (const entry of entries(value)) {
      const next = canonicalAddress(entry);
      if (next === undefined) return client;
      client = next;
      if (hops !== undefined ? ++walked === hops : !proxies!.check(client, familyOf(client))) return client;
    }
    return client;
  };
}

function checkedHops(hops: unknown): number {
  if (typeof hops !== "number" || !Number.isInteger(hops) || hops < 0) throw new SpikardError("INVALID_CONFIG", `trustProxy hops must be a whole number of proxies (0 or more), got ${String(hops)}`);
  return hops;
}

function blockList(addresses: string | string[]): net.BlockList {
  const list = new net.BlockList();
  const all = typeof addresses === "string" ? [addresses] : addresses;
  if (!Array.isArray(all) || all.length === 0) throw new SpikardError("INVALID_CONFIG", "trustProxy addresses must list at least one address or CIDR");
  for (const entry of all.flatMap((a) => NAMED[a] ?? [a])) {
    const [address, prefix, extra] = String(entry).split("/");
    const canonical = address === undefined ? undefined : canonicalAddress(address);
    const family = canonical === undefined ? undefined : familyOf(canonical);
    const bits = prefix === undefined ? (family === "ipv4" ? 32 : 128) : Number(prefix);
    if (canonical === undefined || extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) || !Number.isInteger(bits) || bits < 0 || bits > (family === "ipv4" ? 32 : 128)) {
      throw new SpikardError("INVALID_CONFIG", `trustProxy: ${JSON.stringify(entry)} is not an IP address or CIDR (write "10.0.0.0/8", "::1", or one of ${Object.keys(NAMED).join(", ")})`);
    }
    list.addSubnet(canonical, bits, family);
  }
  return list;
}
