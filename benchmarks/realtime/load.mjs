// The load generator, in its own process pinned to the client CPU: `node load.mjs <mode> <port> <json options>`,
// printing one JSON result line. Modes:
//   echo    N connections, each sending the next message as soon as the reply arrived; messages/s.
//   sse     N clients reading an endless event stream; events/s (counted by their blank-line ends).
//   fanout  M subscribers and one publisher; per publish, the time until the last subscriber has it.
import { clientFrame, openSocket, openStream } from "./wire.mjs";

export const MESSAGE = JSON.stringify({ type: "message", user: "ada", text: "hello, typed world" });

const [mode, portArg, optionsArg] = process.argv.slice(2);
const port = Number(portArg);
const options = JSON.parse(optionsArg ?? "{}");
const now = () => performance.now();

async function echo({ connections = 50, durationS = 5, window = 16 }) {
  // Each connection keeps `window` messages in flight and sends one more per reply, the replies of one read
  // answered with one write: the client spends little per message, so the server is what is measured.
  const one = clientFrame(MESSAGE);
  const frames = Array.from({ length: window + 1 }, (_, n) => Buffer.concat(Array.from({ length: n }, () => one)));
  let count = 0;
  let bad = 0;
  let running = true;
  const sockets = await Promise.all(
    Array.from({ length: connections }, async () => {
      let replies = 0;
      let scheduled = false;
      const s = await openSocket(port, "/echo", (payload) => {
        // The reply must be the message, re-serialized by the server's typed writer.
        if (payload.length !== MESSAGE.length) bad++;
        count++;
        replies++;
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(() => {
            scheduled = false;
            if (running) for (let n = replies; n > 0; n -= window) s.write(frames[Math.min(n, window)]);
            replies = 0;
          });
        }
      });
      return s;
    }),
  );
  for (const s of sockets) s.write(frames[window]);
  const t0 = now();
  const from = count;
  await sleep(durationS * 1000);
  running = false;
  const elapsed = (now() - t0) / 1000;
  const done = count - from;
  for (const s of sockets) s.destroy();
  return { rate: done / elapsed, count: done, bad, elapsedS: elapsed };
}

async function sse({ connections = 50, durationS = 5 }) {
  let events = 0;
  const sockets = await Promise.all(
    Array.from({ length: connections }, () =>
      openStream(port, "/events", (chunk) => {
        // An event ends with a blank line; "\n\n" never occurs inside one (JSON escapes newlines).
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) if (chunk[i + 1] === 10) events++;
      }),
    ),
  );
  await sleep(500);
  const from = events;
  const t0 = now();
  await sleep(durationS * 1000);
  const elapsed = (now() - t0) / 1000;
  const counted = events - from;
  for (const s of sockets) s.destroy();
  return { rate: counted / elapsed, count: counted, elapsedS: elapsed };
}

async function fanout({ subscribers = 1000, publishes = 50 }) {
  let received = 0;
  let waiting;
  const subs = [];
  for (let i = 0; i < subscribers; i++) {
    subs.push(
      await openSocket(port, "/fanout", () => {
        if (++received === subscribers) waiting?.();
      }),
    );
  }
  // Subscriptions are made in open: give the server a moment to have them all.
  await sleep(300);
  const publisher = await openSocket(port, "/publish", () => {});
  const times = [];
  for (let i = 0; i < publishes; i++) {
    received = 0;
    const all = new Promise((resolve) => (waiting = resolve));
    const t0 = now();
    publisher.write(clientFrame(JSON.stringify({ seq: i, text: "to everyone" })));
    const timeout = sleep(5000).then(() => "timeout");
    if ((await Promise.race([all, timeout])) === "timeout") throw new Error(`publish ${i}: ${received} of ${subscribers} deliveries within 5 s`);
    times.push(now() - t0);
    await sleep(20);
  }
  publisher.destroy();
  for (const s of subs) s.destroy();
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { medianMs: q(0.5), p99Ms: q(0.99), count: times.length * subscribers };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const modes = { echo, sse, fanout };
modes[mode](options).then(
  (r) => {
    console.log(JSON.stringify(r));
    process.exit(0);
  },
  (err) => {
    console.log(JSON.stringify({ error: err.message }));
    process.exit(1);
  },
);
