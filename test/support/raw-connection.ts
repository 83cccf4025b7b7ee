import net from "node:net";

/**
 * A TCP connection the test writes to piece by piece (a slow or stalled
 * client), collecting what the server answers and when it closes.
 */
export class RawConnection {
  private readonly socket: net.Socket;
  private readonly chunks: Buffer[] = [];
  private readonly ready: Promise<void>;
  /** Resolves once the server ended or reset the connection. */
  readonly closed: Promise<void>;
  isClosed = false;

  constructor(port: number) {
    this.socket = net.connect(port, "127.0.0.1");
    this.ready = new Promise((resolve, reject) => {
      this.socket.once("connect", resolve);
      this.socket.once("error", reject);
    });
    this.closed = new Promise((resolve) => {
      const done = (): void => {
        this.isClosed = true;
        resolve();
      };
      this.socket.on("end", done);
      this.socket.on("close", done);
      this.socket.on("error", done);
    });
    this.socket.on("data", (c: Buffer) => this.chunks.push(c));
  }

  async write(bytes: string | Buffer): Promise<void> {
    await this.ready;
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** Everything received so far, as text. */
  get text(): string {
    return Buffer.concat(this.chunks).toString("latin1");
  }

  /** Status codes of the responses received so far. */
  get statuses(): number[] {
    return [...this.text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
  }

  /** Resolves once a whole response head arrived, or the connection closed, or `ms` passed. */
  async waitForHead(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.text.includes("\r\n\r\n") && !this.isClosed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  /** Resolves true once the server closed the connection, false after `ms`. */
  async waitForClose(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([this.closed.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
    clearTimeout(timer);
    return closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
