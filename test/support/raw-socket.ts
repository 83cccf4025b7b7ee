import net from "node:net";

export interface RawAnswer {
  /** Everything the server wrote, as text. */
  text: string;
  /** The server closed the connection (rather than the wait running out). */
  closed: boolean;
  /** Status codes of every response found in `text`, in order. */
  statuses: number[];
}

/**
 * Writes `bytes` on a fresh TCP connection and collects what comes back until
 * the server closes it or `waitMs` pass. For requests no HTTP client would send.
 */
export function rawRequest(port: number, bytes: string | Buffer, waitMs = 1500): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ text, closed, statuses });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => {
      closed = true;
      finish();
    });
    socket.on("close", () => {
      closed = true;
      finish();
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET") {
        closed = true;
        return finish();
      }
      clearTimeout(timer);
      reject(err);
    });
    socket.write(bytes);
  });
}
