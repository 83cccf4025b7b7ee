/**
 * `grpc-message` encoding (PROTOCOL-HTTP2.md): the UTF-8 bytes of the message, with every byte
 * outside printable ASCII (0x20-0x7E) and '%' itself written as %XX.
 */
export function encodeStatusMessage(message: string): string {
  let plain = true;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return message;
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out += byte < 0x20 || byte > 0x7e || byte === 0x25 ? `%${byte.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(byte);
  }
  return out;
}

/** The inverse; a malformed %-sequence is kept literally (the spec asks receivers not to fail on it). */
export function decodeStatusMessage(wire: string): string {
  if (!wire.includes("%")) return wire;
  const bytes: number[] = [];
  for (let i = 0; i < wire.length; i++) {
    const c = wire.charCodeAt(i);
    if (c === 0x25 && i + 2 < wire.length && /^[0-9a-fA-F]{2}$/.test(wire.slice(i + 1, i + 3))) {
      bytes.push(parseInt(wire.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(wire[i]!, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
