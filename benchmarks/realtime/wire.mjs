// The load generator's side of the wire, hand-written so that the client costs little next to the server:
// a WebSocket handshake over net, pre-framed (masked) messages, and a frame reader that only finds boundaries.
import net from "node:net";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

/** A masked text frame (client frames must be masked; an all-zero key leaves the payload as it is). */
export function clientFrame(text) {
  const payload = Buffer.from(text);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x81, 0x80 | n]) : Buffer.from([0x81, 0x80 | 126, n >> 8, n & 0xff]);
  return Buffer.concat([head, Buffer.alloc(4), payload]);
}

/** Opens a WebSocket (a raw socket past its 101); `onFrame(payload)` per server frame. */
export function openSocket(port, path, onFrame) {
  const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  return openRaw(port, path, request, " 101 ", frameReader(onFrame));
}

/** Unmasked server frames (lengths up to 2^32), split across or packed in chunks. */
function frameReader(onFrame) {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    let at = 0;
    for (;;) {
      if (buf.length - at < 2) break;
      let len = buf[at + 1] & 0x7f;
      let headLen = 2;
      if (len === 126) {
        if (buf.length - at < 4) break;
        len = buf.readUInt16BE(at + 2);
        headLen = 4;
      } else if (len === 127) {
        if (buf.length - at < 10) break;
        len = buf.readUInt32BE(at + 6);
        headLen = 10;
      }
      if (buf.length - at < headLen + len) break;
      const opcode = buf[at] & 0x0f;
      if (opcode === 1 || opcode === 2) onFrame(buf.subarray(at + headLen, at + headLen + len));
      at += headLen + len;
    }
    buf = at === buf.length ? Buffer.alloc(0) : buf.subarray(at);
  };
}

/** An event stream over a raw socket: `onData(chunk)` with the body's bytes (headers skipped). */
export function openStream(port, path, onData) {
  return openRaw(port, path, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`, " 200 ", onData);
}

/** Sends `request`, waits for a head whose status line has `status`, then hands every later byte to `onData`. */
function openRaw(port, path, request, status, onData) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    let head = Buffer.alloc(0);
    let started = false;
    socket.on("data", (chunk) => {
      if (started) return onData(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      const line = head.subarray(0, head.indexOf("\r\n")).toString();
      if (!line.includes(status)) return reject(new Error(`${path}: ${line}`));
      started = true;
      resolve(socket);
      if (head.length > end + 4) onData(head.subarray(end + 4));
    });
    socket.once("error", reject);
    socket.write(request);
  });
}
