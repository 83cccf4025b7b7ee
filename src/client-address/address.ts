import net from "node:net";

/**
 * An IP address as one canonical text (`2001:db8::1`, IPv4-mapped IPv6 as
 * plain IPv4), so one client is one bucket however its address was written.
 * Takes what proxies write: bare addresses, `[v6]`, `[v6]:port`, `v4:port`.
 * Anything else (`unknown`, `_hidden`, garbage) is `undefined`.
 */
export function canonicalAddress(text: string): string | undefined {
  let s = text.trim();
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    if (close === -1 || (close + 1 < s.length && !/^:\d{1,5}$/.test(s.slice(close + 1)))) return undefined;
    s = s.slice(1, close);
  } else if (s.indexOf(":") !== -1 && s.indexOf(":") === s.lastIndexOf(":")) {
    // One colon: an IPv4 address with a port.
    const [host, port] = s.split(":") as [string, string];
    if (!/^\d{1,5}$/.test(port)) return undefined;
    s = host;
  }
  const family = net.isIP(s);
  if (family === 4) return s;
  if (family !== 6) return undefined;
  const canonical = new net.SocketAddress({ address: s, family: "ipv6" }).address;
  return canonical.startsWith("::ffff:") && net.isIPv4(canonical.slice(7)) ? canonical.slice(7) : canonical;
}

/** "ipv4" or "ipv6" for a canonical address. */
export const familyOf = (address: string): "ipv4" | "ipv6" => (address.indexOf(":") === -1 ? "ipv4" : "ipv6");
