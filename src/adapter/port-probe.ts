import net from "node:net";
import { SpikardError } from "../errors";

/**
 * Fails when something already listens on host:port. uWebSockets.js listens
 * with SO_REUSEPORT, so a second server on a served port (an old and a new
 * deployment, two apps) would bind silently and the kernel would split the
 * traffic between them; a probe bound without SO_REUSEPORT is refused by the
 * kernel instead. The probe is closed before the real listen, so a server
 * started in that instant (microseconds) is not seen; the app's own worker
 * threads, which share the port on purpose, skip it (`sharedPort`).
 */
export function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", (err: NodeJS.ErrnoException) => reject(listenFailed(host, port, err)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** LISTEN_FAILED, saying why when the reason is known. */
export function listenFailed(host: string, port: number, err?: NodeJS.ErrnoException): SpikardError {
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (err?.code === "EADDRINUSE") return new SpikardError("LISTEN_FAILED", `${where}: the port is already in use (another server listens on it)`);
  if (err?.code === "EACCES") return new SpikardError("LISTEN_FAILED", `${where}: permission denied`);
  if (err?.code === "EADDRNOTAVAIL") return new SpikardError("LISTEN_FAILED", `${where}: the address is not available on this machine`);
  return new SpikardError("LISTEN_FAILED", err === undefined ? where : `${where}: ${err.message}`);
}
